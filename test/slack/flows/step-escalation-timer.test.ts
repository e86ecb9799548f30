/**
 * After the call, an overdue plan step is escalated by the scheduler's timer when its deadline passes, with no
 * import to trigger it: once, across a restart and beside a second app process on the same database.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDecision } from '../../../src/app/decision-log';
import { readDocumentFile } from '../../../src/app/read-document';
import { LivingEvents } from '../../../src/decisions/living-decision';
import { ESCALATED_KINDS } from '../../../src/decisions/step-escalations';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import { startChildApp } from '../../helpers/child-app';
import { startSlackHarness, type SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { ADMIN, eventually, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

const seedDir = join(__dirname, '../../../db/seed');

describe.each(STORES)('overdue plan steps escalated on the scheduler timer (on %s)', (store) => {
  let h: SlackHarness;
  let now = new Date('2008-10-23T18:30:00Z');
  afterEach(async () => h?.stop());

  const state = () => loadDecision(h.ctx, 'MS08-067');
  const escalations = () =>
    [...h.ctx.events.read({ stream: 'decision:MS08-067' })].filter((e) => e.type === LivingEvents.escalated) as {
      payload: { key: string; subject: string };
    }[];
  const overduePosts = () =>
    h.standIn
      .channel(state().channel!.id)!
      .messages.map((m) => (m.blocks ? blocksToText(m.blocks) : (m.text ?? '')))
      .filter((t) => t.includes('Overdue on MS08-067'));
  const imports = () => [...h.ctx.events.read({ type: 'source.imported' })].length;
  const escalatingSteps = () => state().assessment!.plan.filter((s) => ESCALATED_KINDS.includes(s.kind) && s.dueAt);
  /** The plan's step deadlines that escalate, earliest first. */
  const stepDeadlines = () => [...new Set(escalatingSteps().map((s) => Date.parse(s.dueAt!)))].sort((a, b) => a - b);

  async function startAndCall(): Promise<void> {
    now = new Date('2008-10-23T18:30:00Z');
    h = await startSlackHarness({
      env: { PATCHCALL_ADMINS: ADMIN },
      logLevel: 'warn',
      clock: () => now,
      store: await storeFor(store, postgres),
    });
    for (const file of readdirSync(seedDir)
      .filter((f) => !f.endsWith('.md'))
      .sort())
      await h.patchcall.importDocuments([readDocumentFile(join(seedDir, file))], { actor: 'test' });
    for (const [key, id] of Object.entries(PEOPLE)) h.standIn.addUser({ id, name: key });
    await h.command('open MS08-067', { userId: PEOPLE.sec1 });
    const cardTs = await eventually(() => state().cardTs, 'the card');
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: cardTs,
      channelId: state().channel!.id,
    });
    await submitCallModal(h, { outcome: 'patch-now', rationale: 'wormable and exploited', override: 'no time' });
    await eventually(() => state().call?.message?.pinned, 'the call pinned');
  }

  it('escalates a step when its deadline passes, without an import, and once across a restart', async () => {
    await startAndCall();
    const [first] = stepDeadlines();
    expect(first).toBeDefined();
    // the scheduler's next look is at that deadline
    expect(Date.parse((await h.deps.scheduler.runNow()).nextAt!)).toBeLessThanOrEqual(first!);
    // the CLI and the overview name it as the next action
    expect(h.patchcall.showDecisionOverview('MS08-067').nextAction).toMatchObject({
      kind: 'step-deadline',
      due: false,
      at: new Date(first!).toISOString(),
    });
    const importsBefore = imports();

    now = new Date(first! - 1000);
    h.deps.scheduler.nudge();
    await h.deps.outbox.idle();
    expect(escalations()).toEqual([]);

    now = new Date(first! + 1000);
    h.deps.scheduler.nudge();
    await eventually(() => overduePosts().length > 0, 'the escalation in the channel', 10_000);
    const written = escalations();
    expect(written.length).toBeGreaterThan(0);
    // only the steps whose deadline has passed
    expect(written.every((e) => e.payload.key.endsWith(`:${new Date(first!).toISOString()}`))).toBe(true);
    expect(overduePosts()[0]).toContain(`@${PEOPLE.owner}`);
    expect(imports()).toBe(importsBefore);

    await h.restart();
    h.deps.scheduler.nudge();
    await h.deps.outbox.idle();
    expect(escalations()).toHaveLength(written.length);
    expect(overduePosts()).toHaveLength(written.length);
  });

  // a second process starts from its TypeScript sources: on a loaded machine that alone can take half a minute
  it('escalates each overdue step once when a second app process shares the database', async () => {
    await startAndCall();
    const last = stepDeadlines().at(-1)!;
    const after = new Date(last + 5000);
    await h.stopApp();
    const child = await startChildApp(h, 'http', { PATCHCALL_CLOCK: `${after.toISOString()}@1` });
    try {
      now = after;
      await h.startApp();
      h.deps.scheduler.nudge();
      const expected = escalatingSteps().length;
      await eventually(
        () => escalations().length === expected && overduePosts().length >= escalations().length,
        'the escalations posted',
        60_000,
      );
    } finally {
      await child.stop();
    }
    await h.deps.outbox.idle();
    const keys = escalations().map((e) => e.payload.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(overduePosts()).toHaveLength(keys.length);
  }, 120_000);
});
