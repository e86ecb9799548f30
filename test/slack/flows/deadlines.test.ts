/**
 * Deadlines that act, driven by a fake clock through the real app and the local Slack stand-in: reminders in the
 * channel, the direct message to the owner and the delegate, and the default path at the deadline, exactly once
 * across a restart and beside a second app process on the same database.
 */
import { openAppContext } from '../../../src/app/app-context';
import { loadDecision } from '../../../src/app/decision-log';
import { DecisionScheduler } from '../../../src/app/decision-scheduler';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE, sampleAssessment } from '../../decisions/sample-decision';
import { openReplicaPatchcall } from '../../../src/app/replica-patchcall';
import type { AppContext } from '../../../src/app/app-context';
import { usePostgres } from '../../helpers/postgres';
import type { SlackHarness } from '../../helpers/slack-harness';
import { eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';
import { startChildApp } from '../../helpers/child-app';
import type { StandInMessage } from '../../../dev/local-slack-stand-in';

const DEADLINE = '2008-10-24T16:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

/** The sample assessment with a mitigation step in its plan, so the default path has one to post. */
const assessWithMitigation = async (_ctx: unknown, bulletinId: string, now: Date) => {
  const assessment = sampleAssessment();
  return {
    ...assessment,
    bulletinId,
    assessedAt: now.toISOString(),
    plan: [
      ...assessment.plan,
      {
        kind: 'mitigate' as const,
        title: 'Block tcp/445 at the edge',
        assets: ['web01'],
        details: 'edge firewall rule <deny 445>',
      },
    ],
  };
};

const postgres = usePostgres();

describe.each(STORES)('deadlines that act (on %s)', (store) => {
  let h: SlackHarness;
  let now = at('2008-10-24T10:00:00Z');
  afterEach(async () => h?.stop());

  const start = async () =>
    startDecisionHarness({
      clock: () => new Date(now),
      assess: assessWithMitigation as never,
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
  /** Another process's view of the same store, on this test's clock. */
  const anotherProcess = async (): Promise<{ ctx: AppContext; close: () => Promise<void> }> => {
    const clock = () => new Date(now);
    if (h.store.kind === 'sqlite') {
      const ctx = openAppContext({ dbPath: h.dbPath, clock });
      return { ctx, close: async () => ctx.close() };
    }
    const replica = await openReplicaPatchcall({ url: h.store.url, dbPath: h.dbPath, clock });
    return { ctx: replica.replica.ctx, close: replica.close };
  };
  const open = async () => {
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    return loadDecision(h.ctx, 'MS08-067').channel!.id;
  };
  const keyed = (channel: string, prefix: string): StandInMessage[] =>
    (h.standIn.channel(channel)?.messages ?? []).filter((m) =>
      String((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key).startsWith(prefix),
    );
  const textOf = (m: StandInMessage) => blocksToText(m.blocks as never);
  const directChannel = (user: string) => `D${user.slice(1)}`;
  /** Waits until exactly `count` messages with the key prefix are in the channel, and returns them. */
  const waitFor = (channel: string, prefix: string, count: number, what: string) =>
    eventually(() => {
      const found = keyed(channel, prefix);
      return found.length === count ? found : undefined;
    }, what);
  const jumpTo = (iso: string) => {
    now = at(iso);
    h.deps.scheduler.nudge();
  };

  it('reminds the channel before the deadline, messages the owner and the delegate, then takes the default path once', async () => {
    now = at('2008-10-24T10:00:00Z');
    h = await start();
    const channel = await open();

    jumpTo('2008-10-24T12:00:01Z');
    const [fourHours] = await waitFor(channel, 'reminder:', 1, 'the 4-hour reminder');
    expect(textOf(fourHours!)).toContain('4 hours left until the deadline');
    expect(textOf(fourHours!)).toContain('Fri 24 Oct 2008 18:00 CEST (16:00 UTC)');
    expect(keyed(directChannel(PEOPLE.owner), 'dm:')).toEqual([]);

    jumpTo('2008-10-24T15:00:01Z');
    const [, oneHour] = await waitFor(channel, 'reminder:', 2, 'the 1-hour reminder');
    expect(textOf(oneHour!)).toContain('1 hour left until the deadline');
    for (const person of [PEOPLE.owner, PEOPLE.delegate]) {
      const [dm] = await waitFor(directChannel(person), 'dm:', 1, `the direct message to ${person}`);
      expect(textOf(dm!)).toContain('1 hour left until the deadline');
      expect(textOf(dm!)).toContain(`<#${channel}>`);
    }

    // the deadline passes while the app is down; the next start takes the default path, once
    await h.stopApp();
    now = at('2008-10-24T16:30:00Z');
    await h.startApp();
    const [defaultPath] = await waitFor(channel, 'default-path:', 1, 'the default path');
    const text = textOf(defaultPath!);
    expect(text).toContain('default: mitigate now');
    expect(text).toContain('Escalated to *incident-commander*');
    expect(text).toContain('Block tcp/445 at the edge (web01): edge firewall rule <deny 445>');
    // plan text reaches Slack escaped
    expect(defaultPath!.text).toContain('edge firewall rule &lt;deny 445&gt;');
    // no reminder of a point the deadline has passed
    expect(keyed(channel, 'reminder:')).toHaveLength(2);

    await h.restart();
    h.deps.scheduler.nudge();
    await h.deps.outbox.idle();
    const events = [...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.default-path-taken' })];
    expect(events).toHaveLength(1);
    expect(keyed(channel, 'default-path:')).toHaveLength(1);
    expect(
      loadDecision(h.ctx, 'MS08-067').notices!.every((n) => Object.keys(n.delivered).length === n.targets.length),
    ).toBe(true);
  });

  it('Scheduled: at the deadline reminds on every day, and after a jump only the latest overdue day', async () => {
    now = at('2008-10-24T10:00:00Z');
    const deadline = '2008-10-30T16:00:00.000Z';
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      assess: (async (_ctx: unknown, bulletinId: string, when: Date) => ({
        ...sampleAssessment({
          urgency: 'scheduled',
          recommendedCall: 'waves',
          deadline: { dueAt: deadline, reason: 'Scheduled: next window' },
        }),
        bulletinId,
        assessedAt: when.toISOString(),
      })) as never,
    });
    const channel = await open();

    jumpTo('2008-10-30T16:00:01Z');
    const [path] = await waitFor(channel, 'default-path:', 1, 'the default path');
    expect(textOf(path!)).toContain('Default path: reminding every 1 day until the call is made');
    // the 2-day reminder was passed over by the jump: the default path replaces it
    expect(keyed(channel, 'reminder:')).toEqual([]);

    jumpTo('2008-10-31T16:00:01Z');
    const [first] = await waitFor(channel, 'overdue:', 1, 'the first overdue reminder');
    expect(textOf(first!)).toContain('Still no call on *MS08-067*');

    jumpTo('2008-11-03T17:00:00Z');
    await waitFor(channel, 'overdue:', 2, 'the overdue reminder after the jump');
    await h.deps.outbox.idle();
    expect(
      keyed(channel, 'overdue:').map((m) => (m.metadata as { event_payload: { key: string } }).event_payload.key),
    ).toEqual([`overdue:MS08-067:${deadline}:1`, `overdue:MS08-067:${deadline}:4`]);
  });

  it('sends nothing once the call is made', async () => {
    now = at('2008-10-24T10:00:00Z');
    h = await start();
    const channel = await open();
    const call = await h.patchcall.makeCall(
      {
        decisionId: 'MS08-067',
        userId: PEOPLE.owner,
        outcome: 'patch-now',
        rationale: 'patch tonight',
        overrideReason: 'no time to wait',
        key: 'call-test',
      },
      () => h.deps.membership.current(),
    );
    expect(call.kind).toBe('called');
    expect([...h.ctx.events.read({ stream: 'decision:MS08-067', type: 'decision.called' })]).toHaveLength(1);
    jumpTo('2008-10-24T17:00:00Z');
    // no reminder and no default path: after the call only the plan's steps are watched (escalated when overdue)
    const { written } = await h.deps.scheduler.runNow();
    expect(written.filter((w) => w.kind !== 'digest' && w.kind !== 'step-escalation')).toEqual([]);
    await h.deps.outbox.idle();
    expect(keyed(channel, 'reminder:')).toEqual([]);
    expect(keyed(channel, 'default-path:')).toEqual([]);
  });

  it('takes the default path exactly once when a second app process shares the database', async () => {
    now = at('2008-10-24T10:00:00Z');
    h = await start();
    const channel = await open();
    await h.stopApp();

    // the second process runs on a simulated clock already past the deadline (allowed: Slack is the stand-in)
    const child = await startChildApp(h, 'http', { PATCHCALL_CLOCK: '2008-10-24T16:00:05Z@1' });
    try {
      now = at('2008-10-24T16:00:05Z');
      await h.startApp();
      // a third scheduler on its own connection, looking at the same moment
      const third = await anotherProcess();
      try {
        await new DecisionScheduler(third.ctx, { onAppended: () => undefined }).runNow();
      } finally {
        await third.close();
      }
      await eventually(() => keyed(channel, 'default-path:').length === 1, 'the default path', 10_000);
      await eventually(
        () => loadDecision(h.ctx, 'MS08-067').notices?.find((n) => n.kind === 'default-path')?.delivered[channel],
        'the delivery recorded',
        10_000,
      );
    } finally {
      await child.stop();
    }
    await h.deps.outbox.idle();
    expect([...h.ctx.events.read({ type: 'decision.default-path-taken' })]).toHaveLength(1);
    expect(keyed(channel, 'default-path:')).toHaveLength(1);
    expect(loadDecision(h.ctx, 'MS08-067').defaultPathTaken?.deadline).toBe(DEADLINE);
  });
});
