import { describeDecisionEvent } from '../../src/audit/describe-decision-event';
import fc from 'fast-check';
import { applyDecisionEvent, foldDecision, initialDecision } from '../../src/decisions/apply-decision-event';
import { DecisionEvents } from '../../src/decisions/decision-model';
import { convenedPayload, eventsFrom, PEOPLE, position, sampleAssessment } from './sample-decision';

const convened = { type: DecisionEvents.convened, actor: PEOPLE.sec1, payload: convenedPayload() };
const call = {
  type: DecisionEvents.called,
  actor: PEOPLE.owner,
  payload: {
    userId: PEOPLE.owner,
    as: 'owner',
    outcome: 'patch-now',
    rationale: 'wormable and exposed',
    quorumMet: true,
    quorumSummary: 'quorum met',
    recommendedCall: 'patch-now',
    snapshot: convenedPayload().snapshot,
    key: 'view:V1',
  },
};

describe('the decision fold', () => {
  it('opens on convening, keeps the latest position per person, and closes on the call', () => {
    const state = foldDecision(
      'MS08-067',
      eventsFrom([
        convened,
        {
          type: DecisionEvents.cardPosted,
          payload: { channel: 'C0PATCH01', ts: '1.000100', topic: 't', invited: [PEOPLE.sec1] },
        },
        position(PEOPLE.sys1, ['sysadmin'], 'more-info', 'view:V0', 'Which servers need a reboot window?'),
        position(PEOPLE.sec1, ['security'], 'agree', 'action:1'),
        position(PEOPLE.sys1, ['sysadmin'], 'agree', 'action:2'),
        call,
        position(PEOPLE.net, ['network'], 'agree', 'action:3'),
      ]),
    );
    expect(state.status).toBe('decided');
    expect(state.cardTs).toBe('1.000100');
    expect(state.positions[PEOPLE.sys1]).toMatchObject({ stance: 'agree', seq: 5 });
    expect(state.positions[PEOPLE.sys1]!.comment).toBeUndefined();
    // a position arriving after the call is on the record but does not change what was decided on
    expect(state.positions[PEOPLE.net]).toBeUndefined();
    expect(state.keys).toEqual(expect.arrayContaining(['view:V0', 'action:1', 'action:2', 'view:V1', 'action:3']));
    expect(state.call).toMatchObject({ by: PEOPLE.owner, outcome: 'patch-now', at: '2008-10-23T16:05:00.000Z' });
  });

  it('keeps the first call when a second one races it', () => {
    const second = {
      ...call,
      actor: PEOPLE.delegate,
      payload: { ...call.payload, userId: PEOPLE.delegate, as: 'delegate', outcome: 'defer', key: 'view:V2' },
    };
    const state = foldDecision('MS08-067', eventsFrom([convened, call, second]));
    expect(state.call!.by).toBe(PEOPLE.owner);
  });

  it('records refusals and ignores unknown event types', () => {
    const state = foldDecision(
      'MS08-067',
      eventsFrom([
        convened,
        {
          type: DecisionEvents.refused,
          payload: { userId: PEOPLE.outsider, attempted: 'position', reason: 'holds no role', key: 'action:9' },
        },
        { type: 'decision.something-new', payload: {} },
      ]),
    );
    expect(state.refusals).toEqual([
      { userId: PEOPLE.outsider, attempted: 'position', reason: 'holds no role', at: '2008-10-23T16:01:00.000Z' },
    ]);
    expect(state.lastSeq).toBe(3);
  });

  it('gives the same state for the same events, however often it is folded', () => {
    const people = [PEOPLE.sec1, PEOPLE.sec2, PEOPLE.net, PEOPLE.sys1];
    const anEvent = fc.oneof(
      fc
        .record({
          who: fc.constantFrom(...people),
          stance: fc.constantFrom('agree' as const, 'alternative' as const, 'more-info' as const),
          comment: fc.string({ maxLength: 20 }),
          key: fc.string({ minLength: 1, maxLength: 6 }),
        })
        .map((p) => position(p.who, ['security'], p.stance, p.key, p.comment || undefined)),
      fc.constant(call),
    );
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 25 }), (items) => {
        const events = eventsFrom([convened, ...items]);
        const once = foldDecision('MS08-067', events);
        const again = events.reduce(applyDecisionEvent, initialDecision('MS08-067'));
        expect(again).toEqual(once);
        expect(JSON.parse(JSON.stringify(once))).toEqual(once);
      }),
    );
  });

  it('carries the assessment as it was shown', () => {
    const state = foldDecision('MS08-067', eventsFrom([convened]));
    expect(state.assessment).toEqual(sampleAssessment());
    expect(state.status).toBe('open');
  });
});

describe('the fold of what the scheduler sent', () => {
  it('records each key once and keeps the first default path taken for a deadline', () => {
    const deadline = '2008-10-24T16:00:00.000Z';
    const taken = (key: string) => ({
      type: DecisionEvents.defaultPathTaken,
      actor: 'patchcall',
      payload: { key, deadline, path: 'escalate', escalatedTo: 'incident-commander' },
    });
    const events = eventsFrom([
      convened,
      {
        type: DecisionEvents.reminderSent,
        payload: { key: `reminder:MS08-067:${deadline}:PT4H`, kind: 'reminder', deadline, point: 'PT4H' },
      },
      taken(`default-path:MS08-067:${deadline}`),
      taken(`default-path:MS08-067:${deadline}`),
    ]);
    const state = foldDecision('MS08-067', events);
    expect(state.keys).toEqual([`reminder:MS08-067:${deadline}:PT4H`, `default-path:MS08-067:${deadline}`]);
    expect(state.defaultPathTaken).toEqual({ at: events[2]!.at, deadline, path: 'escalate' });
    expect(state.status).toBe('open');
  });
});

describe("the audit timeline's sentences for what the scheduler sent", () => {
  const context = { timeZone: 'Europe/Berlin' };
  it('says which reminder went out and which default path was taken', () => {
    const deadline = '2008-10-24T16:00:00.000Z';
    const reminder = describeDecisionEvent(
      DecisionEvents.reminderSent,
      { key: 'k', kind: 'direct-message', deadline, point: 'PT1H' },
      context,
    );
    expect(reminder).toMatch(/^messaged the owner and the delegate, PT1H before the deadline .*2008.*; no call yet$/);
    const taken = describeDecisionEvent(
      DecisionEvents.defaultPathTaken,
      { key: 'k', deadline, path: 'escalate', escalatedTo: 'incident-commander' },
      context,
    );
    expect(taken).toMatch(/passed with no call: took the default path \(escalated to incident-commander\)$/);
  });
});
