/**
 * The call by someone who joined the owner's or the delegate's Slack user group after the cache was refreshed: the
 * submission is appended as "pending a role check" before its ack, checked with Slack after it (and after a
 * restart), then recorded or refused; the card says it is being checked meanwhile.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds, BlockIds, CallbackIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { startChildApp } from '../../helpers/child-app';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { ADMIN, eventsInStore, eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

const postgres = usePostgres();

const NEWCOMER = 'U0NEWDEL1';
const DEPUTIES = 'S0DEPUTIES';

describe.each(STORES)('the call pending a role check (on %s)', (store) => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  const events = (type: string) => [...h.ctx.events.read({ stream: 'decision:MS08-067', type })];
  const cardText = () => {
    const state = loadDecision(h.ctx, 'MS08-067');
    return blocksToText(h.standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs)!.blocks!);
  };
  const told = (user: string, text: string) =>
    h.standIn.ephemerals().find((e) => e.user === user && (e.text ?? '').includes(text)) ??
    h.standIn.calls('chat.postMessage').find((c) => c.args.channel === user && String(c.args.text).includes(text));
  /** The call form as the person fills it in (no quorum yet, so with the reason). */
  const callForm = (userId: string, viewId: string) => ({
    type: 'view_submission',
    team: { id: 'T0PATCHCALL', domain: 'patchcall-standin' },
    user: { id: userId, username: userId, name: userId, team_id: 'T0PATCHCALL' },
    api_app_id: 'A0PATCHCALL',
    trigger_id: h.standIn.issueTriggerId(),
    view: {
      id: viewId,
      team_id: 'T0PATCHCALL',
      type: 'modal',
      callback_id: CallbackIds.call,
      private_metadata: JSON.stringify({ decisionId: 'MS08-067' }),
      blocks: [],
      state: { values: callValues },
      hash: '1.0',
    },
  });
  const callValues = {
    [BlockIds.outcome]: {
      [ActionIds.callOutcome]: { type: 'static_select', selected_option: { value: 'patch-now' } },
    },
    [BlockIds.rationale]: { [ActionIds.text]: { type: 'plain_text_input', value: 'Wormable; patch tonight.' } },
    [BlockIds.override]: { [ActionIds.text]: { type: 'plain_text_input', value: 'Worm expected tonight.' } },
  };

  /** The delegates are a Slack user group; convened; then the newcomer joins it without Slack telling the app. */
  async function convenedWithDeputies(): Promise<void> {
    h = await startDecisionHarness({
      outbox: { minRetryMs: 50, maxRetryMs: 200, sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    h.standIn.addUsergroup({ id: DEPUTIES, handle: 'deputies', name: 'Deputies', users: [PEOPLE.delegate] });
    await h.command(`roles set delegate <!subteam^${DEPUTIES}|@deputies>`, { userId: ADMIN });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
  }
  function newcomerJoins(): void {
    h.standIn.addUser({ id: NEWCOMER, name: 'new deputy' });
    h.standIn.addUsergroup({ id: DEPUTIES, handle: 'deputies', name: 'Deputies', users: [PEOPLE.delegate, NEWCOMER] });
  }

  it('opens the form for a newcomer, keeps the call pending on the card while Slack fails, then records it', async () => {
    await convenedWithDeputies();
    newcomerJoins();
    const state = loadDecision(h.ctx, 'MS08-067');
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: NEWCOMER,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    // not refused from the cache: the form opens
    await eventually(
      () => h.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.call)),
      'the call form',
    );
    expect(events('decision.refused')).toEqual([]);

    h.standIn.failNext('usergroups.users.list', { kind: 'error', error: 'internal_error' }, 10_000);
    const ack = await h.interaction(callForm(NEWCOMER, 'VNEWCALL1'));
    expect(ack.status).toBe(200);
    // in the log before the ack, as submitted
    expect(events('decision.call-pending').map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: NEWCOMER, outcome: 'patch-now', groups: [DEPUTIES] }),
    ]);
    expect(events('decision.called')).toEqual([]);
    await eventually(
      () =>
        cardText().includes(`Pending: checking that @${NEWCOMER} is the decision owner or the delegate`) || undefined,
      'the pending call on the card',
    );
    expect(cardText()).toContain('[Agree]');
    await eventually(() => told(NEWCOMER, 'checking with Slack that you are the decision owner'), 'the person told');

    h.standIn.clearFaults('usergroups.users.list');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call, 'the call');
    const [called] = events('decision.called');
    expect(called!.payload).toMatchObject({
      userId: NEWCOMER,
      as: 'delegate',
      outcome: 'patch-now',
      key: (events('decision.call-pending')[0]!.payload as { key: string }).key,
    });
    expect(events('decision.refused')).toEqual([]);
    await eventually(() => cardText().includes('The call: Patch now') || undefined, 'the final card');
    expect(cardText()).not.toContain('Pending: checking');
    await eventually(() => told(NEWCOMER, 'Recorded: your call on MS08-067, as the delegate'), 'the person told');
  });

  it('refuses the call of someone Slack places in neither group, after the check, and tells them', async () => {
    await convenedWithDeputies();
    await h.interaction(callForm(PEOPLE.outsider, 'VOUTCALL1'));
    expect(events('decision.call-pending')).toHaveLength(1);
    await eventually(() => events('decision.refused')[0], 'the refusal');
    expect(events('decision.refused').map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: PEOPLE.outsider, attempted: 'call' }),
    ]);
    expect(events('decision.called')).toEqual([]);
    expect(loadDecision(h.ctx, 'MS08-067').status).toBe('open');
    await eventually(() => told(PEOPLE.outsider, 'Only the decision owner or the delegate'), 'the person told');
    // Slack said so a moment ago: the next attempt is refused before its ack, without another pending call
    await h.interaction(callForm(PEOPLE.outsider, 'VOUTCALL2'));
    expect(events('decision.call-pending')).toHaveLength(1);
    expect(events('decision.refused')).toHaveLength(2);
  });

  it('keeps a call acknowledged right before a kill -9 while the lookup hangs, and records it after the restart', async () => {
    await convenedWithDeputies();
    await h.stopApp();
    const lookupsBefore = h.standIn.calls('usergroups.users.list').length;
    const child = await startChildApp(h, 'http');
    try {
      // the child's start-up refresh of both groups has run; from now on Slack does not answer before the kill
      await eventually(
        () => h.standIn.calls('usergroups.users.list').length >= lookupsBefore + 2 || undefined,
        'the start refresh',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      newcomerJoins();
      h.standIn.failNext('usergroups.users.list', { kind: 'hang' }, 2);
      const { acked } = await child.deliver(callForm(NEWCOMER, 'VKILLCALL'));
      expect(acked).toBe(true);
    } finally {
      await child.kill9();
    }
    const types = (await eventsInStore(h, { stream: 'decision:MS08-067' })).map((e) => e.type);
    expect(types.filter((t) => t === 'decision.call-pending')).toHaveLength(1);
    expect(types.filter((t) => t === 'decision.called')).toHaveLength(0);
    h.standIn.clearFaults('usergroups.users.list');
    await h.startApp();
    await eventually(() => events('decision.called')[0], 'the call after the restart', 10_000);
    expect(events('decision.called')[0]!.payload).toMatchObject({ userId: NEWCOMER, as: 'delegate' });
    await eventually(() => cardText().includes('The call: Patch now') || undefined, 'the final card', 10_000);
  }, 60_000);
});
