import { loadDecision } from '../../../src/app/decision-log';
import { ActionIds, BlockIds, CallbackIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { mrkdwnOf } from '../../helpers/block-kit';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { ADMIN, startDecisionHarness, eventually, storeFor, STORES } from './decision-flow-setup';

const postgres = usePostgres();

const HOSTILE = 'Hi <!channel> <@U999> <https://evil|click>';

describe.each(STORES)('positions and the call (on %s)', (store) => {
  let h: SlackHarness;
  let channel: string;
  let cardTs: string;
  beforeEach(async () => {
    h = await startDecisionHarness({ store: await storeFor(store, postgres) });
    await h.command('open MS08-067');
    cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('Convened')),
      'the convene reply',
    );
  });
  afterEach(async () => {
    await h.stop();
  });
  const click = (userId: string, actionId: string) =>
    h.blockAction({ actionId, value: 'MS08-067', userId, messageTs: cardTs, channelId: channel });
  const cardText = () => blocksToText(h.standIn.channel(channel)!.messages.find((m) => m.ts === cardTs)!.blocks!);
  // ephemeral in the decision channel, or a direct message to someone who is not in it
  const toldOutsider = (text: string) =>
    h.standIn.ephemerals().find((e) => e.user === PEOPLE.outsider && (e.text ?? '').includes(text)) ??
    h.standIn
      .calls('chat.postMessage')
      .find((c) => c.args.channel === PEOPLE.outsider && String(c.args.text).includes(text));
  const positionEvents = () => [
    ...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.position-recorded' }),
  ];

  it('records positions per role, updates the card, refuses outsiders on the record', async () => {
    await click(PEOPLE.sec1, ActionIds.agree);
    await click(PEOPLE.sys2, ActionIds.agree); // a member through the user group
    await eventually(() => positionEvents().length === 2, 'two positions');
    await eventually(() => cardText().includes(`@${PEOPLE.sys2} agrees`), 'the card update');
    expect(cardText()).toContain(`*Security*: @${PEOPLE.sec1} agrees`);
    // the cache does not place the outsider in a role: checked with Slack after the ack, then refused
    await click(PEOPLE.outsider, ActionIds.agree);
    await eventually(() => toldOutsider('cannot take a position'), 'the refusal');
    expect([...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.refused' })][0]!.payload).toMatchObject(
      { userId: PEOPLE.outsider, attempted: 'position' },
    );
  });

  it('opens the position form to someone the cache does not place in a role, and refuses the submission after Slack says so', async () => {
    await click(PEOPLE.outsider, ActionIds.needMoreInfo);
    const form = await eventually(() => h.standIn.calls('views.open')[0], 'the position form');
    await h.viewSubmission({
      callbackId: CallbackIds.position,
      viewId: 'V0OUTSIDER',
      privateMetadata: (form.args.view as { private_metadata: string }).private_metadata,
      userId: PEOPLE.outsider,
      values: { [BlockIds.comment]: { [ActionIds.text]: { type: 'plain_text_input', value: 'what about VPN?' } } },
    });
    await eventually(() => toldOutsider('cannot take a position'), 'the refusal');
    const refusals = [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.refused' })];
    expect(refusals.map((e) => e.payload)).toEqual([
      expect.objectContaining({ userId: PEOPLE.outsider, attempted: 'position' }),
    ]);
    expect(positionEvents()).toEqual([]);
  });

  it('records one position for a replay and for a double click; a later different click replaces it', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: PEOPLE.net, username: 'net', name: 'net', team_id: 'T0PATCHCALL' },
      api_app_id: 'A0PATCHCALL',
      team: { id: 'T0PATCHCALL', domain: 'x' },
      trigger_id: h.standIn.issueTriggerId(),
      container: { type: 'message', message_ts: cardTs, channel_id: channel, is_ephemeral: false },
      channel: { id: channel, name: 'patch-ms08-067' },
      message: { type: 'message', ts: cardTs, text: '' },
      response_url: h.standIn.responseUrl(),
      actions: [
        {
          type: 'button',
          action_id: ActionIds.agree,
          block_id: 'x',
          value: 'MS08-067',
          action_ts: '1224777600.000001',
        },
      ],
    };
    await Promise.all([h.interaction(payload), h.interaction(payload), h.interaction(payload, { retryNum: 1 })]);
    await click(PEOPLE.net, ActionIds.agree);
    await eventually(
      () => h.standIn.responses().some((r) => JSON.stringify(r.body).includes('Recorded')),
      'the confirmation',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(positionEvents()).toHaveLength(1);
    await click(PEOPLE.net, ActionIds.needMoreInfo);
    const modal = await eventually(
      () => h.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.position)),
      'the modal',
    );
    const view = modal.args.view as { private_metadata: string };
    const empty = await h.viewSubmission({
      callbackId: CallbackIds.position,
      privateMetadata: view.private_metadata,
      userId: PEOPLE.net,
      values: { [BlockIds.comment]: { [ActionIds.text]: { type: 'plain_text_input', value: '  ' } } },
    });
    expect(empty.json()).toEqual({ response_action: 'errors', errors: { [BlockIds.comment]: expect.any(String) } });
    await h.viewSubmission({
      callbackId: CallbackIds.position,
      viewId: 'V0NET1',
      privateMetadata: view.private_metadata,
      userId: PEOPLE.net,
      values: { [BlockIds.comment]: { [ActionIds.text]: { type: 'plain_text_input', value: HOSTILE } } },
    });
    await eventually(() => positionEvents().length === 2, 'the replacing position');
    expect(loadDecision(h.ctx, 'MS08-067').positions[PEOPLE.net]).toMatchObject({
      stance: 'more-info',
      comment: HOSTILE,
    });
    const raw = await eventually(() => {
      const blocks = JSON.stringify(h.standIn.channel(channel)!.messages.find((m) => m.ts === cardTs)!.blocks);
      return blocks.includes('needs more information') ? blocks : undefined;
    }, 'the card with the comment');
    // the comment travels as rich text, shown as written; no mrkdwn field carries it, so nothing can be mentioned
    const card = h.standIn.channel(channel)!.messages.find((m) => m.ts === cardTs)!;
    expect(mrkdwnOf(card.blocks!).join('\n')).not.toMatch(/<!channel>|<@U999>|<https:\/\/evil/);
    expect(card.text).not.toContain('<!channel>');
    expect(raw).toContain(`"text":" needs more information: “${HOSTILE}”`);
  });

  it('lets only the owner make the call, enforces quorum with an override reason, pins it and closes the card', async () => {
    await click(PEOPLE.sec1, ActionIds.makeCall);
    await eventually(
      () => h.standIn.responses().find((r) => JSON.stringify(r.body).includes('Only the decision owner')),
      'the refusal',
    );
    await click(PEOPLE.owner, ActionIds.makeCall);
    const modal = await eventually(
      () => h.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.call)),
      'the call modal',
    );
    const meta = (modal.args.view as { private_metadata: string }).private_metadata;
    const submit = (viewId: string, values: Record<string, Record<string, unknown>>) =>
      h.viewSubmission({ callbackId: CallbackIds.call, viewId, privateMetadata: meta, userId: PEOPLE.owner, values });
    const outcome = {
      [BlockIds.outcome]: {
        [ActionIds.callOutcome]: { type: 'static_select', selected_option: { value: 'patch-now' } },
      },
    };
    const rationale = {
      [BlockIds.rationale]: {
        [ActionIds.text]: { type: 'plain_text_input', value: 'Wormable and exposed; patch tonight.' },
      },
    };
    expect((await submit('V1', { ...outcome })).json().errors).toHaveProperty(BlockIds.rationale);
    const noQuorum = await submit('V2', { ...outcome, ...rationale });
    expect(noQuorum.json().errors[BlockIds.override]).toContain('quorum not met');
    await submit('V3', {
      ...outcome,
      ...rationale,
      [BlockIds.override]: {
        [ActionIds.text]: { type: 'plain_text_input', value: 'Worm expected tonight; network lead unreachable.' },
      },
    });
    const state = await eventually(
      () => loadDecision(h.ctx, 'MS08-067').call?.message && loadDecision(h.ctx, 'MS08-067'),
      'the call posted',
    );
    expect(state.call).toMatchObject({
      by: PEOPLE.owner,
      as: 'owner',
      outcome: 'patch-now',
      quorumMet: false,
      overrideReason: 'Worm expected tonight; network lead unreachable.',
    });
    expect(state.call!.snapshot.rulebookHash).toMatch(/^[0-9a-f]{64}$/);
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call!.message!.pinned || undefined, 'the pin');
    expect(h.standIn.channel(channel)!.pins).toEqual([state.call!.message!.ts]);
    await eventually(() => cardText().includes('The call: Patch now') || undefined, 'the final card');
    expect(cardText()).not.toContain('[Agree]');
  });

  it('survives a restart in the middle: positions before and after, and the card re-renders from events', async () => {
    await click(PEOPLE.sec1, ActionIds.agree);
    await eventually(() => positionEvents().length === 1, 'the first position');
    await h.restart();
    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: PEOPLE.sys1,
      messageTs: cardTs,
      channelId: channel,
    });
    await eventually(() => positionEvents().length === 2, 'the second position');
    await eventually(
      () =>
        (cardText().includes(`@${PEOPLE.sec1} agrees`) && cardText().includes(`@${PEOPLE.sys1} agrees`)) || undefined,
      'both on the card',
    );
  });

  it('answers status, assets, help, unknown subcommands and refuses role changes by non-admins', async () => {
    // read-only answers come back in the ack; the others through response_url after it
    const replyTo = async (text: string, userId?: string) => {
      const before = h.standIn.responses().length;
      const ack = await h.command(text, userId ? { userId } : {});
      if (ack.body) return ack.body;
      return JSON.stringify((await eventually(() => h.standIn.responses()[before], text)).body);
    };
    expect(await replyTo('status')).toContain('MS08-067');
    expect(await replyTo('assets ms08-067')).toContain('web01');
    expect(await replyTo('help')).toContain('/patch open');
    const unknown = await replyTo('frobnicate');
    expect(unknown).toContain('Unknown subcommand');
    expect(unknown).toContain('/patch open');
    expect(await replyTo('export')).toContain('Usage: `/patch export &lt;decision id&gt; [json|csv|md|html]`');
    expect(await replyTo(`roles set network <@${PEOPLE.sec2}|sam>`)).toContain('Only patchcall admins');
    expect([...h.ctx.events.read({ stream: 'roles', type: 'role.refused' })]).toHaveLength(1);
    expect(
      await replyTo(`roles set network <@${PEOPLE.sec2}|sam> <!subteam^S0SYSADMIN|@win-sysadmins>`, ADMIN),
    ).toContain('Network updated');
    expect(await replyTo('roles')).toContain(`Network*: <@${PEOPLE.sec2}>, <!subteam^S0SYSADMIN>`);
  });
});
