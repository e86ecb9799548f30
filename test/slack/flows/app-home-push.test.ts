/**
 * App Home pushed when what a person's Home shows changes, through the real app and the local Slack stand-in: the
 * views.publish calls are counted per person and their content read, with nobody opening the tab.
 */
import { openAppContext } from '../../../src/app/app-context';
import { loadDecision } from '../../../src/app/decision-log';
import { patchcallOver, type Patchcall } from '../../../src/app/patchcall';
import { openReplicaPatchcall } from '../../../src/app/replica-patchcall';
import { ActionIds } from '../../../src/slack/action-ids';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES, submitCallModal } from './decision-flow-setup';

const postgres = usePostgres();

describe.each(STORES)('App Home pushed (on %s)', (store) => {
  let h: SlackHarness;
  let now = Date.parse('2008-10-23T20:00:00Z');
  afterEach(async () => h?.stop());

  /** Every view published to `user`, as text, oldest first. */
  const published = (user: string): string[] =>
    h.standIn
      .calls('views.publish')
      .filter((c) => c.args.user_id === user && !c.error)
      .map((c) => blocksToText((c.args.view as { blocks: never }).blocks));
  const latest = (user: string) => published(user).at(-1) ?? '';
  /** Another process on the same store (SQLite file, or another replica), on this test's clock. */
  const anotherProcess = async (): Promise<{ patchcall: Patchcall; close: () => Promise<void> }> => {
    const clock = () => new Date(now);
    if (h.store.kind === 'sqlite') {
      const ctx = openAppContext({ dbPath: h.dbPath, clock });
      return { patchcall: patchcallOver(ctx), close: async () => ctx.close() };
    }
    const replica = await openReplicaPatchcall({ url: h.store.url, dbPath: h.dbPath, clock });
    return { patchcall: replica.patchcall, close: replica.close };
  };
  const settled = async () => {
    await eventually(() => !h.deps.outbox.pending('MS08-067'), 'the outbox to catch up');
    await h.deps.outbox.idle();
    h.deps.homes.nudge();
    await h.deps.homes.idle();
  };

  it("publishes a person's Home when a position is owed, given, the call made and a step falls overdue", async () => {
    now = Date.parse('2008-10-23T20:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    const state = await eventually(() => {
      const s = loadDecision(h.ctx, 'MS08-067');
      return s.cardTs ? s : undefined;
    }, 'the card');

    // nobody opened the tab: the people with a role are told what waits on them
    await eventually(() => latest(PEOPLE.sec1).includes('your position as security is still owed'), 'security');
    await eventually(() => latest(PEOPLE.owner).includes('you may make the call'), "the owner's Home");

    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: PEOPLE.sec1,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await eventually(
      () => latest(PEOPLE.sec1).includes('Your open decisions (1)') && !latest(PEOPLE.sec1).includes('still owed'),
      'the position no longer owed',
    );

    await h.blockAction({
      actionId: ActionIds.makeCall,
      value: 'MS08-067',
      userId: PEOPLE.owner,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await submitCallModal(h, { outcome: 'waves', rationale: 'waves', override: 'no time for quorum' });
    await eventually(() => latest(PEOPLE.owner).includes('Decided (1)'), 'the call on the Home');
    expect(latest(PEOPLE.owner)).toContain('Your open decisions (0)');
    expect(latest(PEOPLE.owner)).not.toContain('plan steps past due');

    // the first wave was due 23 Oct 22:00 UTC: when that passes, the owner's Home lists it, with no one opening it
    now = Date.parse('2008-10-23T22:00:05Z');
    h.deps.scheduler.nudge();
    await eventually(() => latest(PEOPLE.owner).includes('Your plan steps past due (1)'), 'the overdue step');
    await settled();

    // a view is published only when it changed: never the same view twice in a row to one person
    for (const user of [PEOPLE.sec1, PEOPLE.owner, PEOPLE.delegate]) {
      const views = published(user);
      expect(views.length).toBeGreaterThan(0);
      views.slice(1).forEach((view, i) => expect(view).not.toBe(views[i]));
    }

    // a restart publishes nothing that Slack already shows (on PostgreSQL: what every replica published)
    const before = h.standIn.calls('views.publish').length;
    await h.restart();
    await settled();
    expect(h.standIn.calls('views.publish')).toHaveLength(before);
  });

  it("reaches a person who joins a role's user group after convening, with the position they now owe", async () => {
    now = Date.parse('2008-10-23T20:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    const newcomer = 'U0SYS0003';
    h.standIn.addUser({ id: newcomer, name: 'sys3' });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card');
    await eventually(() => latest(PEOPLE.sys1).includes('your position as sysadmin is still owed'), 'sys1');
    await settled();
    expect(loadDecision(h.ctx, 'MS08-067').members.sysadmin).not.toContain(newcomer);
    expect(published(newcomer)).toEqual([]);

    // Slack says the sysadmins' group gained a member: nobody opened the tab, nobody named them in the roster
    const response = await h.event({
      type: 'subteam_members_changed',
      subteam_id: 'S0SYSADMIN',
      added_users: [newcomer],
      added_users_count: 1,
      removed_users: [],
      removed_users_count: 0,
      event_ts: '1224792000.000100',
    });
    expect(response.status).toBe(200);
    await eventually(() => latest(newcomer).includes('your position as sysadmin is still owed'), "the newcomer's Home");
    expect(latest(newcomer)).toContain('Your open decisions (1)');
    expect(latest(newcomer)).toContain('due ');
  });

  it('publishes nothing new to someone a position does not concern, and the new view to whom it does', async () => {
    now = Date.parse('2008-10-23T20:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    const state = await (async () => {
      await h.command('open MS08-067');
      return eventually(() => {
        const s = loadDecision(h.ctx, 'MS08-067');
        return s.cardTs ? s : undefined;
      }, 'the card');
    })();
    await eventually(() => latest(PEOPLE.sec1).includes('still owed'), "security's Home");
    // someone with no role opens the tab: they see the decision listed
    await h.event({ type: 'app_home_opened', user: 'U0TESTER1', channel: 'D0HOME', tab: 'home', event_ts: '1.2' });
    await eventually(() => latest('U0TESTER1').includes('MS08-067'), 'the opened Home');
    await settled();
    const seenByTester = published('U0TESTER1').length;

    await h.blockAction({
      actionId: ActionIds.agree,
      value: 'MS08-067',
      userId: PEOPLE.sec1,
      messageTs: state.cardTs!,
      channelId: state.channel!.id,
    });
    await eventually(() => !latest(PEOPLE.sec1).includes('still owed'), 'the position on the Home');
    await settled();
    expect(published('U0TESTER1')).toHaveLength(seenByTester);
  });

  it('after a restart, publishes the current view once, never an older one', async () => {
    now = Date.parse('2008-10-23T20:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
    });
    await h.command('open MS08-067');
    const state = await eventually(() => {
      const s = loadDecision(h.ctx, 'MS08-067');
      return s.cardTs ? s : undefined;
    }, 'the card');
    await eventually(() => latest(PEOPLE.sec1).includes('still owed'), "security's Home");
    await settled();

    // the position lands while the app is down (another process took it)
    await h.stopApp();
    const other = await anotherProcess();
    try {
      const recorded = await other.patchcall.recordPosition(
        { decisionId: 'MS08-067', userId: PEOPLE.sec1, stance: 'agree', key: 'position-offline' },
        () => state.members,
      );
      expect(recorded.kind).toBe('recorded');
    } finally {
      await other.close();
    }
    const before = published(PEOPLE.sec1).length;
    await h.startApp();
    await eventually(() => published(PEOPLE.sec1).length > before, 'the Home after the restart');
    await settled();
    expect(published(PEOPLE.sec1)).toHaveLength(before + 1);
    expect(latest(PEOPLE.sec1)).not.toContain('still owed');
    expect(state.id).toBe('MS08-067');
  });
});
