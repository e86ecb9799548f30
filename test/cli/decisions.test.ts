/**
 * `patchcall decisions` and `patchcall decision show` over a decision convened, argued and called through the
 * real Slack app (local stand-in), read by the built CLI as a child process from the same database.
 */
import { loadDecision } from '../../src/app/decision-log';
import { ActionIds } from '../../src/slack/action-ids';
import { PEOPLE } from '../decisions/sample-decision';
import { expectShape } from '../helpers/output-schemas';
import type { SlackHarness } from '../helpers/slack-harness';
import { spawnPatchcall } from '../helpers/spawn-patchcall';
import { eventually, startDecisionHarness, submitCallModal } from '../slack/flows/decision-flow-setup';

describe('patchcall decisions / decision show', () => {
  let h: SlackHarness;
  afterEach(async () => h?.stop());

  it('lists an open decision with its deadline, the positions taken and those still owed', async () => {
    const empty = await spawnPatchcall(['--db', (h = await startDecisionHarness()).dbPath, 'decisions']);
    expect(empty.stdout).toBe('no decisions yet (`/patch open <bulletin>` in Slack convenes one)\n');

    await h.command('open MS08-067');
    const cardTs = await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: PEOPLE.sec1,
      messageTs: cardTs,
      channelId: channel,
    });
    await eventually(() => Object.keys(loadDecision(h.ctx, 'MS08-067').positions).length === 1, 'the position');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').defaultPathTaken, 'the default path');

    const list = expectShape(
      (await spawnPatchcall(['--db', h.dbPath, 'decisions', '--open', '--json'])).stdout,
      'decisions.schema.json',
    );
    expect(list.decisions).toHaveLength(1);
    const [d] = list.decisions;
    expect(d).toMatchObject({ id: 'MS08-067', status: 'open', call: null, channel: { name: 'patch-ms08-067' } });
    expect(d.deadline.dueAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(d.positions).toEqual([
      expect.objectContaining({ userId: PEOPLE.sec1, stance: 'agree', roles: ['security'] }),
    ]);
    const owed = Object.fromEntries(d.owed.map((o: { role: string; missing: number }) => [o.role, o.missing]));
    expect(owed.security).toBe(0);
    const stillOwed = d.owed.filter((o: { missing: number }) => o.missing > 0);
    expect(stillOwed.length).toBeGreaterThan(0);
    for (const o of stillOwed) expect(o.waitingOn.length).toBeGreaterThan(0);

    const human = await spawnPatchcall(['--db', h.dbPath, 'decisions']);
    expect(human.stdout).toMatch(
      /^ID +BULLETIN +STATUS +URGENCY +DEADLINE +CALL +POSITIONS +STILL OWED +PROGRESS +NEXT$/m,
    );
    // the 2008 deadline has long passed on today's clock: the app's scheduler has taken the default path
    // (escalate), after which nothing more is scheduled before the call
    expect(loadDecision(h.ctx, 'MS08-067').defaultPathTaken).toBeDefined();
    expect(d.nextAction).toBeNull();
    expect(d.progress).toBeNull();
    expect(human.stdout).toMatch(/^MS08-067 +MS08-067 +open /m);

    const shown = await spawnPatchcall(['--db', h.dbPath, 'decision', 'show', 'ms08-067']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${PEOPLE.sec1} (security): agree`);
    expect(shown.stdout).toMatch(/Still owed:\n {2}\w+: 1 of 1, waiting on U0/);
    expectShape(
      (await spawnPatchcall(['--db', h.dbPath, 'decision', 'show', 'MS08-067', '--json'])).stdout,
      'decision.schema.json',
    );

    const unknown = await spawnPatchcall(['--db', h.dbPath, 'decision', 'show', 'MS99-999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no decision "MS99-999"/);

    // the owner makes the call (with an override: quorum is not met)
    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: cardTs,
      channelId: channel,
    });
    await submitCallModal(h, {
      outcome: 'waves',
      rationale: 'web01 tonight, the rest after soak',
      override: 'the worm does not wait',
    });
    await eventually(() => loadDecision(h.ctx, 'MS08-067').call, 'the call');
    // the plan's steps were due in 2008: on today's clock the app's scheduler escalates them at once
    await eventually(() => loadDecision(h.ctx, 'MS08-067').living?.escalations.length, 'the overdue steps escalated');

    const decided = expectShape(
      (await spawnPatchcall(['--db', h.dbPath, 'decision', 'show', 'MS08-067', '--json'])).stdout,
      'decision.schema.json',
    );
    expect(decided).toMatchObject({
      status: 'decided',
      owed: [],
      call: {
        outcome: 'waves',
        by: PEOPLE.owner,
        as: 'owner',
        rationale: 'web01 tonight, the rest after soak',
        overrideReason: 'the worm does not wait',
      },
    });
    expect((await spawnPatchcall(['--db', h.dbPath, 'decisions', '--open'])).stdout).toBe('no open decisions\n');
    const decidedText = await spawnPatchcall(['--db', h.dbPath, 'decision', 'show', 'MS08-067']);
    expect(decidedText.stdout).toMatch(new RegExp(`call +waves by ${PEOPLE.owner} \\(owner\\)`));
    // every plan step past due is escalated, once: nothing more is scheduled
    expect(decided.escalations.length).toBeGreaterThan(0);
    expect(decided.nextAction).toBeNull();
    expect(decidedText.stdout).toMatch(/^ {2}escalated .*: Wave 1: staging$/m);
    // ten fresh CLI processes: on a shared machine their start-up alone can pass jest's 30 s default
  }, 180_000);
});
