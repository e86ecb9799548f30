/**
 * The default path's escalation reaches the people its role names, through the real app and the local Slack
 * stand-in: a roster escalation role or roster role is messaged directly, a user group (by id or handle) is mentioned
 * in the channel, and a name that resolves to nobody is said so in the channel and in the record.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDecision } from '../../../src/app/decision-log';
import { patchcallOver } from '../../../src/app/patchcall';
import { initialRoster } from '../../../src/decisions/apply-roster-event';
import { escalationReach } from '../../../src/decisions/escalation-reach';
import { blocksToText } from '../../../src/slack/blocks/blocks-to-text';
import { PEOPLE } from '../../decisions/sample-decision';
import type { SlackHarness } from '../../helpers/slack-harness';
import type { StandInMessage } from '../../../dev/local-slack-stand-in';
import { eventually, startDecisionHarness } from './decision-flow-setup';

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

describe('whom an escalation reaches', () => {
  let h: SlackHarness;
  let now = Date.parse('2008-10-24T10:00:00Z');
  afterEach(async () => h?.stop());

  const keyed = (conversation: string, prefix: string): StandInMessage[] =>
    (h.standIn.channel(conversation)?.messages ?? []).filter((m) =>
      String((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key).startsWith(prefix),
    );
  const directChannel = (user: string) => `D${user.slice(1)}`;

  /** Convenes MS08-067 (sample assessment: Immediate, deadline 16:00 UTC) and lets the deadline pass. */
  async function missTheDeadline(escalateTo?: string): Promise<{ channel: string; posted: StandInMessage }> {
    now = Date.parse('2008-10-24T10:00:00Z');
    h = await startDecisionHarness({
      clock: () => new Date(now),
      outbox: { sweepMs: 200 },
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

  it('says in the channel and in the record that an escalation to an unknown name reached nobody', async () => {
    const { posted } = await missTheDeadline('night-shift');
    expect(posted.text).toContain('Escalation to *night-shift* reached nobody');
    const taken = [...h.ctx.events.read({ type: 'decision.default-path-taken' })];
    expect(taken).toHaveLength(1);
    expect(taken[0]!.payload).toMatchObject({ escalatedTo: 'night-shift', reached: { users: [], groups: [] } });
    const record = JSON.stringify(patchcallOver(h.ctx).buildDecisionRecord('MS08-067', { exportedBy: 'test' }));
    expect(record).toContain('escalation to night-shift reached nobody');
  });
});

describe('escalationReach', () => {
  const roster = {
    ...initialRoster(),
    groups: { S0ONCALL: { handle: 'on-call', name: 'On call', members: ['U0ONE'] } },
    escalation: { 'incident-commander': { users: ['U0IC1'], groups: ['S0ONCALL'] }, empty: { users: [], groups: [] } },
  };

  it('resolves ids, escalation roles, roster roles and group handles, and says when it is nobody', () => {
    expect(escalationReach('U0ABC', roster)).toEqual({ users: ['U0ABC'], groups: [], via: 'user' });
    expect(escalationReach('S0ABC', roster)).toEqual({ users: [], groups: ['S0ABC'], via: 'group' });
    expect(escalationReach('incident-commander', roster)).toMatchObject({ users: ['U0IC1'], groups: ['S0ONCALL'] });
    expect(escalationReach('@on-call', roster)).toMatchObject({ groups: ['S0ONCALL'], via: 'group-handle' });
    expect(escalationReach('owner', roster).via).toBe('nobody'); // the role holds no one
    expect(escalationReach('empty', roster).via).toBe('nobody');
    expect(escalationReach('constructor', roster).via).toBe('nobody');
  });
});
