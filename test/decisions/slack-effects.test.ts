import { foldDecision } from '../../src/decisions/apply-decision-event';
import { DecisionEvents } from '../../src/decisions/decision-model';
import { formatTime } from '../../src/common/time-format';
import { nextSlackEffect } from '../../src/decisions/slack-effects';
import { convenedPayload, eventsFrom, PEOPLE, position } from './sample-decision';

const { channel: _channel, ...withoutChannel } = convenedPayload();
const convened = { type: DecisionEvents.convened, payload: { ...withoutChannel, channelName: 'patch-ms08-067' } };
const created = { type: DecisionEvents.channelCreated, payload: { id: 'C0PATCH01', name: 'patch-ms08-067' } };
const topic = { type: DecisionEvents.topicSet, payload: { channel: 'C0PATCH01', topic: 't' } };
const invited = {
  type: DecisionEvents.invited,
  payload: { channel: 'C0PATCH01', invited: [PEOPLE.sec1], refused: [] },
};
const posted = { type: DecisionEvents.cardPosted, payload: { channel: 'C0PATCH01', ts: '1.000100' } };
/** What convening records from the roster: the people it names are not asked of Slack again. */
const named = {
  type: DecisionEvents.peopleNamed,
  payload: { people: [PEOPLE.sec1, 'U0SEC'].map((userId) => ({ userId, name: userId, source: 'roster' })) },
};
const ZONE = 'Europe/Berlin';
const state = (...items: { type: string; payload: unknown }[]) => foldDecision('MS08-067', eventsFrom(items));

describe('the next Slack effect of a decision', () => {
  it('creates the channel under the name written first, then the topic, the invitations and the card', () => {
    expect(nextSlackEffect(state(convened), 0, ZONE)).toEqual({ kind: 'create-channel', name: 'patch-ms08-067' });
    expect(nextSlackEffect(state(convened, created), 0, ZONE)).toMatchObject({
      kind: 'set-topic',
      channel: 'C0PATCH01',
    });
    expect(nextSlackEffect(state(convened, created, topic), 0, ZONE)).toMatchObject({ kind: 'invite' });
    expect(nextSlackEffect(state(convened, created, topic, invited), 0, ZONE)).toEqual({
      kind: 'post-card',
      channel: 'C0PATCH01',
      key: 'MS08-067:card',
      look: false,
    });
  });

  it("sets the topic with the deadline in the organization's zone, UTC beside it", () => {
    const dueAt = convened.payload.assessment.summary.deadline.dueAt;
    const effect = nextSlackEffect(state(convened, created), 0, ZONE);
    expect(effect).toMatchObject({ kind: 'set-topic' });
    expect(effect?.kind === 'set-topic' && effect.topic).toContain(`deadline ${formatTime(dueAt, ZONE)}.`);
    expect(formatTime(dueAt, ZONE)).toMatch(/CES?T \(.* UTC\)/);
  });

  it('looks for the card in the channel before posting again after an attempt with no known outcome', () => {
    const attempted = { type: DecisionEvents.effectAttempted, payload: { effect: 'card', key: 'MS08-067:card' } };
    expect(nextSlackEffect(state(convened, created, topic, invited, attempted), 0, ZONE)).toMatchObject({ look: true });
  });

  it('updates the card while a newer version exists than Slack acknowledged, and never for an older one', () => {
    const s = state(
      convened,
      named,
      created,
      topic,
      invited,
      posted,
      position(PEOPLE.sec1, ['security'], 'agree', 'k1'),
    );
    expect(nextSlackEffect(s, 0, ZONE)).toEqual({
      kind: 'update-card',
      channel: 'C0PATCH01',
      ts: '1.000100',
      version: 7,
    });
    expect(nextSlackEffect(s, 7, ZONE)).toBeUndefined();
  });

  it('asks Slack once for the name of someone who acted before anyone named them, after the card work', () => {
    const outsider = {
      type: DecisionEvents.refused,
      payload: { userId: PEOPLE.outsider, attempted: 'position', reason: 'not a speaker', key: 'r1' },
    };
    const acted = [convened, named, created, topic, invited, posted, outsider];
    expect(nextSlackEffect(state(...acted), 0, ZONE)).toMatchObject({ kind: 'update-card' });
    expect(nextSlackEffect(state(...acted), 7, ZONE)).toEqual({ kind: 'name-people', users: [PEOPLE.outsider] });
    const answer = (payload: unknown) => ({ type: DecisionEvents.peopleNamed, payload });
    const withName = answer({ people: [{ userId: PEOPLE.outsider, name: 'Oscar', source: 'slack' }] });
    expect(nextSlackEffect(state(...acted, withName), 7, ZONE)).toBeUndefined();
    expect(
      nextSlackEffect(state(...acted, answer({ people: [], unknown: [PEOPLE.outsider] })), 7, ZONE),
    ).toBeUndefined();
    const refused = { type: DecisionEvents.effectFailed, payload: { effect: 'names', error: 'missing_scope' } };
    expect(nextSlackEffect(state(...acted, refused), 7, ZONE)).toBeUndefined();
  });

  it('stops at a step Slack refused for good, until someone asks again', () => {
    const failed = { type: DecisionEvents.effectFailed, payload: { effect: 'card', error: 'not_in_channel' } };
    expect(nextSlackEffect(state(convened, created, topic, invited, failed), 0, ZONE)).toBeUndefined();
    const retried = { type: DecisionEvents.effectsRetried, payload: {} };
    expect(nextSlackEffect(state(convened, created, topic, invited, failed, retried), 0, ZONE)).toMatchObject({
      kind: 'post-card',
    });
  });
});
