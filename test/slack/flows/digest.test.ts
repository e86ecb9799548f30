/**
 * The daily digest (rules/reminders.json: weekdays 08:00 Europe/Berlin into #patch-digest), driven by a fake clock
 * through the real app and the local Slack stand-in: once per day across a restart, computed from the log.
 */
import { loadDecision } from '../../../src/app/decision-log';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import type { StandInMessage } from '../../../dev/local-slack-stand-in';
import type { SlackHarness } from '../../helpers/slack-harness';
import { committed } from '../../../src/app/replica-write';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

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
    expect(
      (await committed(h.ctx, () => h.deps.scheduler.runOnce())).written.filter((w) => w.kind === 'digest'),
    ).toEqual([]);
    expect(digests(channel)).toHaveLength(1);

    // nothing on the weekend; Monday 08:00 in Berlin is 07:00 UTC (winter time since Sunday)
    jumpTo('2008-10-26T09:00:00Z');
    expect(
      (await committed(h.ctx, () => h.deps.scheduler.runOnce())).written.filter((w) => w.kind === 'digest'),
    ).toEqual([]);
    jumpTo('2008-10-27T07:00:01Z');
    await eventually(() => (digests(channel).length === 2 ? true : undefined), 'the Monday digest');
    expect(digests(channel).map(keyOf)).toEqual(['digest:2008-10-24', 'digest:2008-10-27']);
    const monday = blocksToText(digests(channel)[1]!.blocks as never);
    expect(monday).toContain('deadline passed');
    expect([...h.ctx.events.read({ stream: 'digest', type: 'digest.due' })]).toHaveLength(2);
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
    h.deps.scheduler.runOnce();
    expect([...h.ctx.events.read({ stream: 'digest' })].map((e) => e.type)).toEqual([
      'digest.due',
      'digest.attempted',
      'digest.failed',
    ]);
  });
});
