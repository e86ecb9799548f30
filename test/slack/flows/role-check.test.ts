/**
 * A click by someone the user-group cache does not place in a role is received before the ack as "pending a role
 * check", checked with Slack after it, and ends recorded (a newcomer to a role's group) or refused (an outsider).
 * Nobody is refused on a lookup that failed, and a check cut short by kill -9 after the ack is settled on restart.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { buttonClick, startChildApp } from '../../helpers/child-app';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { eventsInStore, eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

const postgres = usePostgres();

const NEWCOMER = 'U0NEWSYS1';

describe.each(STORES)('positions pending a role check (on %s)', (store) => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  const events = (type: string) => [...h.ctx.events.read({ stream: 'decision:MS08-067', type })];
  const cardText = () => {
    const state = loadDecision(h.ctx, 'MS08-067');
    return blocksToText(h.standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs)!.blocks!);
  };
  const click = (userId: string) => {
    const state = loadDecision(h.ctx, 'MS08-067');
    return h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
  };
  // ephemeral in the decision channel, or a direct message to someone who is not in it (yet)
  const told = (user: string, text: string) =>
    h.standIn.ephemerals().find((e) => e.user === user && (e.text ?? '').includes(text)) ??
    h.standIn.calls('chat.postMessage').find((c) => c.args.channel === user && String(c.args.text).includes(text));

  /** Convenes, then Slack adds the newcomer to the sysadmins' group without telling the app. */
  async function convenedThenNewcomerJoins(): Promise<void> {
    await convened();
    newcomerJoins();
  }
  async function convened(): Promise<void> {
    h = await startDecisionHarness({
      outbox: { minRetryMs: 50, sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    await eventually(() => h.standIn.responses().length === 1 || undefined, 'the convene reply');
  }
  function newcomerJoins(): void {
    h.standIn.addUser({ id: NEWCOMER, name: 'newcomer' });
    h.standIn.addUsergroup({
      id: 'S0SYSADMIN',
      handle: 'win-sysadmins',
      name: 'Windows sysadmins',
      users: [PEOPLE.sys1, PEOPLE.sys2, NEWCOMER],
    });
  }

  it('records a newcomer to a role’s group: pending before the ack, accepted after it, on the card', async () => {
    await convenedThenNewcomerJoins();
    const ack = await click(NEWCOMER);
    expect(ack.status).toBe(200);
    // in the log before the ack, as received
    expect(events('decision.position-pending').map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: NEWCOMER, stance: 'agree', groups: ['S0SYSADMIN'] }),
    ]);
    await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('checking with Slack')),
      'the note that it is being checked',
    );
    const [recorded] = await eventually(
      () => events('decision.position-recorded')[0] && events('decision.position-recorded'),
      'the position',
    );
    expect(recorded!.payload).toMatchObject({ userId: NEWCOMER, roles: ['sysadmin'], stance: 'agree' });
    expect(recorded!.payload).toMatchObject({
      key: (events('decision.position-pending')[0]!.payload as { key: string }).key,
    });
    expect(events('decision.refused')).toEqual([]);
    await eventually(() => cardText().includes(`@${NEWCOMER} agrees`) || undefined, 'the card');
    await eventually(() => told(NEWCOMER, 'Recorded: you agree'), 'the person told');
    expect(loadDecision(h.ctx, 'MS08-067').pendingChecks).toEqual({});
  });

  it('shows the click on the card as pending while Slack does not answer, until it is recorded', async () => {
    h = await startDecisionHarness({
      outbox: { minRetryMs: 50, maxRetryMs: 200, sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    newcomerJoins();
    h.standIn.failNext('usergroups.users.list', { kind: 'error', error: 'internal_error' }, 10_000);
    await click(NEWCOMER);
    await eventually(
      () => cardText().includes(`Pending: checking @${NEWCOMER}'s role: agrees, recorded once confirmed`) || undefined,
      'the pending click on the card',
    );
    expect(cardText()).not.toContain(`@${NEWCOMER} agrees`);
    h.standIn.clearFaults('usergroups.users.list');
    await eventually(() => cardText().includes(`@${NEWCOMER} agrees`) || undefined, 'the position on the card');
    expect(cardText()).not.toContain('Pending: checking');
  });

  it('refuses an outsider on the record only after Slack said they are in no role’s group', async () => {
    await convenedThenNewcomerJoins();
    await click(PEOPLE.outsider);
    await eventually(() => events('decision.refused')[0], 'the refusal');
    expect(events('decision.refused').map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: PEOPLE.outsider, attempted: 'position' }),
    ]);
    expect(events('decision.position-recorded')).toEqual([]);
    await eventually(() => told(PEOPLE.outsider, 'cannot take a position'), 'the person told');
  });

  it('answers 50 outsiders with one lookup per user group, then refuses them before the ack', async () => {
    h = await startDecisionHarness({
      outbox: { minRetryMs: 50, maxRetryMs: 200, sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const outsiders = Array.from({ length: 50 }, (_, i) => `U0OUTS${String(i).padStart(3, '0')}`);
    for (const id of outsiders) h.standIn.addUser({ id, name: id.toLowerCase() });
    const lookups = () => h.standIn.calls('usergroups.users.list');
    const answeredBefore = lookups().filter((c) => !c.fault).length;
    // Slack does not answer until every click of the burst is in the log (pending), then it does
    h.standIn.failNext('usergroups.users.list', { kind: 'error', error: 'internal_error' }, 10_000);
    const acks = await Promise.all(outsiders.map((id) => click(id)));
    expect(acks.map((a) => a.status)).toEqual(outsiders.map(() => 200));
    expect(events('decision.position-pending')).toHaveLength(50);
    h.standIn.clearFaults('usergroups.users.list');
    await eventually(() => events('decision.refused').length === 50 || undefined, 'every refusal', 10_000);
    // one user group speaks for a role here: Slack answered one lookup, shared by every check waiting for it
    expect(lookups().filter((c) => !c.fault).length - answeredBefore).toBe(1);
    const callsAfterBurst = lookups().length;
    expect(events('decision.position-recorded')).toEqual([]);
    expect(loadDecision(h.ctx, 'MS08-067').pendingChecks).toEqual({});
    await eventually(
      () => outsiders.every((id) => told(id, 'cannot take a position')) || undefined,
      'every outsider told',
    );

    // Slack's answer is fresh: an outsider's next click is refused on the record before its ack, without a lookup
    const pendingBefore = events('decision.position-pending').length;
    await click(outsiders[0]!);
    expect(events('decision.position-pending')).toHaveLength(pendingBefore);
    expect(events('decision.refused')).toHaveLength(51);
    expect(events('decision.refused').at(-1)!.payload).toMatchObject({ userId: outsiders[0], attempted: 'position' });
    await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('cannot take a position')),
      'the outsider told at once, in answer to the click',
    );
    expect(lookups()).toHaveLength(callsAfterBurst);
  }, 30_000);

  it('forgets that someone is outside a group when Slack’s event adds them to it', async () => {
    await convened();
    h.standIn.addUser({ id: NEWCOMER, name: 'newcomer' });
    await click(NEWCOMER);
    await eventually(() => events('decision.refused')[0], 'the refusal after the check');
    await click(NEWCOMER);
    // refused before the ack this time: Slack said so a moment ago
    expect(events('decision.position-pending')).toHaveLength(1);
    expect(events('decision.refused')).toHaveLength(2);
    await h.event({ type: 'subteam_members_changed', subteam_id: 'S0SYSADMIN', added_users: [NEWCOMER] });
    await eventually(() => h.deps.membership.current().sysadmin.includes(NEWCOMER) || undefined, 'the event taken in');
    await click(NEWCOMER);
    expect(events('decision.position-recorded').map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: NEWCOMER, roles: ['sysadmin'] }),
    ]);
  });

  it('refuses nobody while Slack fails the lookup, and records the newcomer once it answers', async () => {
    await convenedThenNewcomerJoins();
    h.standIn.failNext('usergroups.users.list', { kind: 'error', error: 'internal_error' }, 3);
    await click(NEWCOMER);
    await eventually(() => events('decision.position-recorded')[0], 'the position', 10_000);
    expect(h.standIn.calls('usergroups.users.list').filter((c) => c.fault)).toHaveLength(3);
    expect(events('decision.refused')).toEqual([]);
  });

  it('keeps a newcomer’s click acknowledged right before a kill -9, and records it after the restart', async () => {
    await convened();
    const state = loadDecision(h.ctx, 'MS08-067');
    await h.stopApp();
    const child = await startChildApp(h, 'http');
    try {
      // the child's start-up refresh has run; from now on Slack does not answer a lookup before the kill
      await eventually(() => h.standIn.calls('usergroups.users.list').length >= 2 || undefined, 'the start refresh');
      await new Promise((resolve) => setTimeout(resolve, 200));
      newcomerJoins();
      h.standIn.failNext('usergroups.users.list', { kind: 'hang' });
      const { acked } = await child.deliver(
        buttonClick(h, {
          userId: NEWCOMER,
          actionId: ActionIds.agree,
          value: 'MS08-067',
          cardTs: state.cardTs!,
          channel: state.channel!.id,
          actionTs: '1.7',
        }),
      );
      expect(acked).toBe(true);
    } finally {
      await child.kill9();
    }
    // acknowledged as received and pending; the check itself was cut short by the kill
    const types = (await eventsInStore(h, { stream: 'decision:MS08-067' })).map((e) => e.type);
    expect(types.filter((t) => t === 'decision.position-pending')).toHaveLength(1);
    expect(types.filter((t) => t === 'decision.position-recorded')).toHaveLength(0);
    await h.startApp();
    await eventually(() => events('decision.position-recorded')[0], 'the position after restart', 10_000);
    expect(events('decision.position-recorded')[0]!.payload).toMatchObject({ userId: NEWCOMER, roles: ['sysadmin'] });
    await eventually(() => cardText().includes(`@${NEWCOMER} agrees`) || undefined, 'the card after restart', 10_000);
  }, 60_000);
});
