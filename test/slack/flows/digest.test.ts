/**
 * The daily digest (rules/reminders.json: weekdays 08:00 Europe/Berlin into #patch-digest), driven by a fake clock
 * through the real app and the local Slack stand-in: once per day across a restart, computed from the log.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import type { StandInMessage } from '../../../dev/local-slack-stand-in';
import type { SlackHarness } from '../../helpers/slack-harness';
import { ActionIds } from '../../../src/slack/action-ids';
import { PEOPLE, sampleAssessment } from '../../decisions/sample-decision';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

describe.each(STORES)('the daily digest (on %s)', (store) => {
  let h: SlackHarness;
  let now = Date.parse('2008-10-24T05:30:00Z');
  afterEach(async () => h?.stop());

  const digests = (channel: string): StandInMessage[] =>
    h.standIn
      .channel(channel)!
      .messages.filter((m) =>
        String((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key).startsWith(
          'digest:',
        ),
      );
  const keyOf = (m: StandInMessage) => (m.metadata as { event_payload: { key: string } }).event_payload.key;
  const jumpTo = (iso: string) => {
    now = Date.parse(iso);
    h.deps.scheduler.nudge();
  };

  it('posts open decisions and the open exposure once a day, not again after a restart, and again the next weekday', async () => {
    now = Date.parse('2008-10-24T05:30:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    const channel = h.standIn.addChannel({ name: 'patch-digest', members: [h.standIn.botUserId] });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    expect(digests(channel)).toEqual([]);

    // Friday 08:00 in Berlin (CEST) is 06:00 UTC
    jumpTo('2008-10-24T06:00:01Z');
    const [friday] = await eventually(
      () => (digests(channel).length === 1 ? digests(channel) : undefined),
      'the digest',
    );
    expect(keyOf(friday!)).toBe('digest:2008-10-24');
    const text = blocksToText(friday!.blocks as never);
    expect(text).toContain('Open decisions (1)');
    expect(text).toContain('MS08-067');
    expect(text).toContain('Exposure still open (1)');
    expect(text).toContain('web01 open to the network');

    await h.restart();
    jumpTo('2008-10-24T11:00:00Z');
    await h.deps.outbox.idle();
    expect((await h.deps.scheduler.runNow()).written.filter((w) => w.kind === 'digest')).toEqual([]);
    expect(digests(channel)).toHaveLength(1);

    // nothing on the weekend; Monday 08:00 in Berlin is 07:00 UTC (winter time since Sunday)
    jumpTo('2008-10-26T09:00:00Z');
    expect((await h.deps.scheduler.runNow()).written.filter((w) => w.kind === 'digest')).toEqual([]);
    jumpTo('2008-10-27T07:00:01Z');
    await eventually(() => (digests(channel).length === 2 ? true : undefined), 'the Monday digest');
    expect(digests(channel).map(keyOf)).toEqual(['digest:2008-10-24', 'digest:2008-10-27']);
    const monday = blocksToText(digests(channel)[1]!.blocks as never);
    expect(monday).toContain('deadline passed');
    expect([...h.ctx.events.read({ stream: 'digest', type: 'digest.due' })]).toHaveLength(2);
  });

  it('shows names and titles from bulletins and inventories literally in the digest and on the App Home', async () => {
    const hostile = '_web01_ <!channel> *now* ~gone~ `x` <https://evil.example|click here>';
    now = Date.parse('2008-10-24T05:30:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
      assess: async (_ctx, bulletinId, at) => {
        const assessment = sampleAssessment();
        return {
          ...assessment,
          verdicts: assessment.verdicts.map((v) => (v.assetId === 'web01' ? { ...v, assetName: hostile } : v)),
          plan: assessment.plan.map((step) => ({ ...step, title: `${step.title} ${hostile}` })),
          bulletinId,
          assessedAt: at.toISOString(),
        };
      },
    });
    const channel = h.standIn.addChannel({ name: 'patch-digest', members: [h.standIn.botUserId] });
    await h.command('open MS08-067');
    const state = await eventually(() => {
      const s = loadDecision(h.ctx, 'MS08-067');
      return s.cardTs ? s : undefined;
    }, 'the card');
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await submitCallModal(h, { outcome: 'waves', rationale: 'waves', override: 'no time for quorum' });
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call, 'the call');

    jumpTo('2008-10-24T06:00:01Z');
    const [digest] = await eventually(() => (digests(channel).length ? digests(channel) : undefined), 'the digest');
    const text = blocksToText(digest!.blocks as never);
    expect(text).toContain('Plan steps past due (1)');
    expect(text).toContain('Exposure still open (1)');
    const home = await eventually(() => {
      const view = h.standIn.homeView(PEOPLE.owner)?.view;
      return view && blocksToText(view.blocks as never).includes('Your plan steps past due (1)') ? view : undefined;
    }, "the owner's Home");

    for (const blocks of [digest!.blocks, home.blocks]) {
      const raw = JSON.stringify(blocks);
      // no mention, no link, no formatting Slack would act on; the text itself still there to read
      expect(raw).not.toContain('<!channel>');
      expect(raw).not.toContain('<https://evil.example');
      expect(raw).not.toMatch(/[*_~`](now|web01|gone|x)[*_~`]/);
      expect(raw).toContain('&lt;!channel&gt;');
      expect(raw).toContain('\u2217now\u2217');
      const sections = (blocks as { type: string; text?: { type: string; verbatim?: boolean } }[]).filter(
        (b) => b.type === 'section' && b.text?.type === 'mrkdwn',
      );
      expect(sections.length).toBeGreaterThan(0);
      expect(sections.every((b) => b.text!.verbatim === true)).toBe(true);
    }
  });

  it('records a refusal when the digest channel does not exist, and does not retry it', async () => {
    now = Date.parse('2008-10-24T05:30:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    jumpTo('2008-10-24T06:00:01Z');
    const failed = await eventually(
      () => h.ctx.events.first<{ error: string }>({ stream: 'digest', type: 'digest.failed' }),
      'the refusal',
    );
    expect(failed.payload.error).toBe('channel_not_found');
    await h.deps.scheduler.runNow();
    expect([...h.ctx.events.read({ stream: 'digest' })].map((e) => e.type)).toEqual([
      'digest.due',
      'digest.attempted',
      'digest.failed',
    ]);
  });
});
