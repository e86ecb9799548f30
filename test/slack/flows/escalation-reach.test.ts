/**
 * The default path's escalation reaches the people its role names, through the real app and the local Slack
 * stand-in: a roster escalation role or roster role is messaged directly, a user group (by id, by a handle the roster
 * names, or by a handle only Slack knows: usergroups.list and subteam_* events) is mentioned in the channel, and a
 * name that resolves to nobody is said so in the channel and in the record.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDecision } from '../../../src/app/decision-log';
import { initialRoster } from '../../../src/decisions/apply-roster-event';
import { readRoster } from '../../../src/app/roles-roster';
import { UserGroupDirectory } from '../../../src/app/user-group-directory';
import { escalationReach, reachedNobody, UNKNOWN_DIRECTORY } from '../../../src/decisions/escalation-reach';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import type { StandInMessage } from '../../../dev/local-slack-stand-in';
import { usePostgres } from '../../helpers/postgres';
import { eventually, startDecisionHarness, storeFor, STORES } from './decision-flow-setup';

const RULES = join(__dirname, '../../../rules');

/** The shipped rules with the Immediate default path escalating to `to`. */
function rulesEscalatingTo(to: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'patchcall-rules-')), 'rules');
  cpSync(RULES, dir, { recursive: true });
  const file = join(dir, 'reminders.json');
  const reminders = JSON.parse(readFileSync(file, 'utf8'));
  reminders.byUrgency.immediate.atDeadline.escalate.to = to;
  writeFileSync(file, JSON.stringify(reminders, null, 2));
  return dir;
}

const postgres = usePostgres();

describe.each(STORES)('whom an escalation reaches (on %s)', (store) => {
  let h: SlackHarness;
  let now = Date.parse('2008-10-24T10:00:00Z');
  afterEach(async () => h?.stop());

  const keyed = (conversation: string, prefix: string): StandInMessage[] =>
    (h.standIn.channel(conversation)?.messages ?? []).filter((m) =>
      String((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key).startsWith(prefix),
    );
  const directChannel = (user: string) => `D${user.slice(1)}`;
  /** Whom the app would reach now for `to`: the roster in the log, and Slack's user groups as cached. */
  const escalationReachNow = (to: string) =>
    escalationReach(to, readRoster(h.ctx), new UserGroupDirectory(h.ctx).read());

  /** Convenes MS08-067 (sample assessment: Immediate, deadline 16:00 UTC) and lets the deadline pass. */
  async function missTheDeadline(escalateTo?: string): Promise<{ channel: string; posted: StandInMessage }> {
    now = Date.parse('2008-10-24T10:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      store: await storeFor(store, postgres),
      ...(escalateTo ? { env: { PATCHCALL_RULES: rulesEscalatingTo(escalateTo) } } : {}),
    });
    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    const channel = loadDecision(h.ctx, 'MS08-067').channel!.id;
    now = Date.parse('2008-10-24T16:00:05Z');
    h.deps.scheduler.nudge();
    const [posted] = await eventually(() => {
      const found = keyed(channel, 'default-path:');
      return found.length ? found : undefined;
    }, 'the default path');
    await h.deps.outbox.idle();
    return { channel, posted: posted! };
  }

  it('messages the people of a roster escalation role directly (the shipped incident-commander)', async () => {
    const { posted } = await missTheDeadline();
    expect(blocksToText(posted.blocks as never)).toContain(`Escalated to *incident-commander*: @${PEOPLE.sec1}`);
    const [dm] = keyed(directChannel(PEOPLE.sec1), 'default-path:');
    expect(dm).toBeDefined();
    expect(blocksToText(dm!.blocks as never)).toContain('default: mitigate now');
    // nobody else hears it directly
    expect(keyed(directChannel(PEOPLE.owner), 'default-path:')).toEqual([]);
  });

  it('messages the holders of a roster role by its name', async () => {
    await missTheDeadline('owner');
    expect(keyed(directChannel(PEOPLE.owner), 'default-path:')).toHaveLength(1);
  });

  it('mentions a user group named by its handle in the channel, and messages no one directly', async () => {
    const { posted } = await missTheDeadline('win-sysadmins');
    expect(posted.text).toContain('Escalated to *win-sysadmins*: <!subteam^S0SYSADMIN>');
    const posts = h.standIn.calls('chat.postMessage').map((c) => String(c.args.channel));
    expect(posts).toContain(loadDecision(h.ctx, 'MS08-067').channel!.id);
    expect(posts.filter((to) => /^[UWD]/.test(to))).toEqual([]);
  });

  it("resolves a handle the roster does not know through Slack's user groups, as events rename and disable it", async () => {
    const handle = 'sec-oncall';
    const changeGroup = (type: string, handleNow: string, dateDelete = 0) =>
      h.event({
        type,
        subteam: {
          id: 'S0ONCALL',
          team_id: 'T0LOCAL',
          is_usergroup: true,
          name: 'Security on call',
          handle: handleNow,
          date_delete: dateDelete,
          users: [PEOPLE.sec2],
        },
        event_ts: '1224842400.000100',
      });
    now = Date.parse('2008-10-24T10:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
      env: { PATCHCALL_RULES: rulesEscalatingTo(handle) },
      store: await storeFor(store, postgres),
    });
    // the group is made in Slack after the app started: the periodic usergroups.list finds it
    h.standIn.addUsergroup({ id: 'S0ONCALL', handle, name: 'Security on call', users: [PEOPLE.sec2] });
    await h.deps.membership.refresh();
    expect(h.standIn.calls('usergroups.list').length).toBeGreaterThan(0);
    const reach = () => escalationReachNow(handle);
    expect(reach()).toMatchObject({ groups: ['S0ONCALL'], via: 'slack-handle' });

    // renamed in Slack: the old handle names nobody, the new one the group
    expect((await changeGroup('subteam_updated', 'sec-night')).status).toBe(200);
    await eventually(() => escalationReachNow('sec-night').groups[0] === 'S0ONCALL', 'the renamed handle');
    expect(reach()).toMatchObject({ groups: [], via: 'nobody' });
    expect(reach().groupsUnknown).toBeUndefined();
    await changeGroup('subteam_updated', handle);
    await eventually(() => reach().groups[0] === 'S0ONCALL', 'the handle back');

    await h.command('open MS08-067');
    await eventually(() => loadDecision(h.ctx, 'MS08-067').cardTs, 'the card', 10_000);
    now = Date.parse('2008-10-24T16:00:05Z');
    h.deps.scheduler.nudge();
    const [posted] = await eventually(() => {
      const found = keyed(loadDecision(h.ctx, 'MS08-067').channel!.id, 'default-path:');
      return found.length ? found : undefined;
    }, 'the default path');
    expect(posted!.text).toContain(`Escalated to *${handle}*: <!subteam^S0ONCALL>`);
    const [taken] = [...h.ctx.events.read({ type: 'decision.default-path-taken' })];
    expect(taken!.payload).toMatchObject({ escalatedTo: handle, reached: { users: [], groups: ['S0ONCALL'] } });

    // disabled in Slack: the handle names nobody any more
    await changeGroup('subteam_updated', handle, 1224842400);
    await eventually(() => reach().via === 'nobody', 'the disabled group gone');
    // a new group takes the handle
    await h.event({
      type: 'subteam_created',
      subteam: { id: 'S0ONCALL2', team_id: 'T0LOCAL', is_usergroup: true, name: 'On call', handle, date_delete: 0 },
      event_ts: '1224846000.000100',
    });
    await eventually(() => reach().groups[0] === 'S0ONCALL2', 'the created group');
  });

  it('says in the channel and in the record that an escalation to an unknown name reached nobody', async () => {
    const { posted } = await missTheDeadline('night-shift');
    expect(posted.text).toContain('Escalation to *night-shift* reached nobody');
    const taken = [...h.ctx.events.read({ type: 'decision.default-path-taken' })];
    expect(taken).toHaveLength(1);
    expect(taken[0]!.payload).toMatchObject({ escalatedTo: 'night-shift', reached: { users: [], groups: [] } });
    const record = JSON.stringify(await h.patchcall.buildDecisionRecord('MS08-067', { exportedBy: 'test' }));
    expect(record).toContain('escalation to night-shift reached nobody');
  });
});

describe('escalationReach', () => {
  const roster = {
    ...initialRoster(),
    groups: { S0ONCALL: { handle: 'on-call', name: 'On call', members: ['U0ONE'] } },
    escalation: { 'incident-commander': { users: ['U0IC1'], groups: ['S0ONCALL'] }, empty: { users: [], groups: [] } },
  };

  const slack = { byHandle: { 'on-call': 'S0SLACKOC', 'db-admins': 'S0DBA' }, known: true };

  it('resolves ids, escalation roles, roster roles and group handles, and says when it is nobody', () => {
    expect(escalationReach('U0ABC', roster)).toEqual({ users: ['U0ABC'], groups: [], via: 'user' });
    expect(escalationReach('S0ABC', roster)).toEqual({ users: [], groups: ['S0ABC'], via: 'group' });
    expect(escalationReach('incident-commander', roster)).toMatchObject({ users: ['U0IC1'], groups: ['S0ONCALL'] });
    expect(escalationReach('@on-call', roster)).toMatchObject({ groups: ['S0ONCALL'], via: 'group-handle' });
    expect(escalationReach('owner', roster).via).toBe('nobody'); // the role holds no one
    expect(escalationReach('empty', roster, slack)).toEqual({ users: [], groups: [], via: 'nobody' });
    expect(escalationReach('constructor', roster, slack).via).toBe('nobody');
  });

  it("finds a handle in Slack's listing first, then among the roster's groups", () => {
    expect(escalationReach('@db-admins', roster, slack)).toMatchObject({ groups: ['S0DBA'], via: 'slack-handle' });
    // Slack's word on a handle stands over the roster's older one
    expect(escalationReach('on-call', roster, slack)).toMatchObject({ groups: ['S0SLACKOC'], via: 'slack-handle' });
    expect(escalationReach('hasOwnProperty', roster, slack).via).toBe('nobody');
  });

  it("says so when it reached nobody while Slack's user groups were not known", () => {
    const reach = escalationReach('db-admins', roster, UNKNOWN_DIRECTORY);
    expect(reach).toEqual({ users: [], groups: [], via: 'nobody', groupsUnknown: true });
    expect(reachedNobody('db-admins', reach.groupsUnknown)).toMatch(/reached nobody: .*user groups were not known yet/);
    expect(reachedNobody('db-admins')).not.toMatch(/not known/);
  });
});
