/**
 * `npm run demo`: the MS08-067 story offline. Imports the bundled example, then runs the real Slack app in-process
 * against the local stand-in of Slack's Web API and plays the stakeholders with signed requests, printing what
 * each person sees. Nothing here talks to Slack: it refuses to run when Slack tokens are set.
 *
 * The database is PATCHCALL_DB when it is set (and kept), else a temporary file removed at the end with the
 * demo's other files (the exported record, the audit channel).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { openPatchcall, type Patchcall } from '../src/app/patchcall';
import { runCli } from '../src/cli/run-cli';
import { projectRoot } from '../src/common/project-root';
import { formatTime } from '../src/common/time-format';
import type { DecisionState } from '../src/decisions/decision-model';
import { createLogger } from '../src/logging/logger';
import { ActionIds, BlockIds, CallbackIds } from '../src/slack/action-ids';
import { blocksToText } from '../src/slack/blocks/blocks-to-text';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../src/slack/create-slack-app';
import { readSlackConfig } from '../src/slack/slack-config';
import { startLocalSlackStandIn, type LocalSlackStandIn } from './local-slack-stand-in';

const SECRET = 'demo-signing-secret-not-a-real-one';
const DECISION = 'MS08-067';
const AUDIT_CHANNEL = 'patchcall-audit';
const TEAM = 'T0DEMO';
/** The afternoon MS08-067 came out: the assessment and every event are dated then, until the story moves on. */
const DEMO_MOMENT = new Date('2008-10-23T18:30:00Z');
const INGEST_TOKEN = 'demo-ingest-token-not-a-real-one';
/** The demo's clock: the story moves on (a missed deadline on Friday; a KEV listing, fixes and a scan on Saturday). */
let demoNow = DEMO_MOMENT;

const out = (text: string) => process.stdout.write(text + '\n');
const settle = () => new Promise((done) => setTimeout(done, 400));

/** Where the demo keeps its database and files, and what it removes when it is done. */
interface DemoPlace {
  dbPath: string;
  /** The exported record and the audit channel's messages go here. */
  filesDir: string;
  /** True when the database is PATCHCALL_DB, which the demo leaves in place. */
  keepsDatabase: boolean;
  cleanUp(): void;
}

function demoPlace(env: NodeJS.ProcessEnv): DemoPlace {
  const filesDir = mkdtempSync(join(tmpdir(), 'patchcall-demo-'));
  const cleanUp = () => rmSync(filesDir, { recursive: true, force: true });
  if (env.PATCHCALL_DB) return { dbPath: resolve(env.PATCHCALL_DB), filesDir, keepsDatabase: true, cleanUp };
  return { dbPath: join(filesDir, 'patchcall.db'), filesDir, keepsDatabase: false, cleanUp };
}

async function step(title: string, args: string[], dbPath: string): Promise<void> {
  out(`\n=== ${title}\n$ patchcall ${args.join(' ')}`);
  const code = await runCli(['--db', dbPath, ...args], {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: false,
    env: process.env,
    user: 'demo',
  });
  if (code !== 0) throw new Error(`step "${title}" failed with exit code ${code}`);
}

async function main(): Promise<void> {
  if (process.env.SLACK_BOT_TOKEN || process.env.SLACK_APP_TOKEN)
    throw new Error(
      'Slack tokens are set: the demo only runs offline against the local stand-in; unset SLACK_BOT_TOKEN/SLACK_APP_TOKEN',
    );
  const place = demoPlace(process.env);
  try {
    out(`patchcall demo: MS08-067 (CVE-2008-4250), released out of band on Thursday 2008-10-23.`);
    out(
      place.keepsDatabase
        ? `Database: ${place.dbPath} (PATCHCALL_DB; kept after the demo)`
        : 'Database: a temporary file, removed after the demo (set PATCHCALL_DB to keep it)',
    );
    if (place.keepsDatabase) refuseEarlierRun(place.dbPath);
    await step('A bulletin arrives: import the bundled example', ['import', ...seedFiles()], place.dbPath);
    await meetInSlack(place);
    await step(
      'Everything above is in the tamper-evident log, and matches the anchors Slack holds',
      ['audit', 'verify', '--anchors', join(place.filesDir, 'audit-channel.json')],
      place.dbPath,
    );
    await step(
      'An auditor checks the uploaded record on its own, without the database',
      ['audit', 'verify', '--export', join(place.filesDir, `audit-${DECISION}.json`)],
      place.dbPath,
    );
    out(
      place.keepsDatabase
        ? `\nThe database is kept at ${place.dbPath}. The record as a printable report:\n` +
            `  npx patchcall --db ${place.dbPath} export ${DECISION} --format html --out ms08-067.html`
        : `\nTo look around afterwards, keep the database: PATCHCALL_DB=demo.db npm run demo`,
    );
  } finally {
    place.cleanUp();
  }
}

/** The story convenes MS08-067 once: a database that already holds it would only replay refusals. */
function refuseEarlierRun(dbPath: string): void {
  const patchcall = openPatchcall({ dbPath });
  try {
    if (patchcall.listDecisions().some((d) => d.id === DECISION))
      throw new Error(
        `${dbPath} already holds the ${DECISION} decision from an earlier run: point PATCHCALL_DB at a new file, or unset it`,
      );
  } finally {
    patchcall.close();
  }
}

function seedFiles(): string[] {
  const seedDir = join(projectRoot(), 'db', 'seed');
  return readdirSync(seedDir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => relative(process.cwd(), join(seedDir, f)));
}

/** The Slack part: the roster's people in the stand-in, the real app, and the stakeholders taking their turns. */
async function meetInSlack(place: DemoPlace): Promise<void> {
  out('\n=== The stakeholders meet in Slack (a LOCAL STAND-IN of Slack’s Web API, not Slack)');
  const patchcall = openPatchcall({ dbPath: place.dbPath, clock: () => demoNow });
  const standIn = await startLocalSlackStandIn({ teamId: TEAM });
  let slack: SlackApp | undefined;
  try {
    const desk = seedWorkspace(standIn, patchcall);
    slack = await createSlackApp({
      config: readSlackConfig({
        SLACK_BOT_TOKEN: standIn.botToken,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: standIn.apiUrl,
        PORT: '0',
        PATCHCALL_DB: place.dbPath,
        PATCHCALL_AUDIT_CHANNEL: AUDIT_CHANNEL,
        PATCHCALL_INGEST_TOKEN: INGEST_TOKEN,
      }),
      patchcall,
      logger: createLogger({ level: 'error' }),
    });
    const slackUrl = `http://127.0.0.1:${await slack.start()}${SLACK_EVENTS_PATH}`;
    await new Stakeholders(patchcall, standIn, slackUrl, desk, slack).play(place.filesDir);
  } finally {
    await slack?.stop();
    patchcall.close();
    await standIn.stop();
  }
}

/** The roster's people and groups, #patch-desk where the story starts, and the audit channel; returns #patch-desk. */
function seedWorkspace(standIn: LocalSlackStandIn, patchcall: Patchcall): string {
  const roster = patchcall.readRoster();
  for (const [id, name] of Object.entries(roster.names)) standIn.addUser({ id, name });
  for (const [id, g] of Object.entries(roster.groups))
    standIn.addUsergroup({ id, handle: g.handle, name: g.name, users: g.members });
  const desk = standIn.addChannel({ name: 'patch-desk', members: Object.keys(roster.names) });
  standIn.addChannel({ name: AUDIT_CHANNEL, members: [standIn.botUserId] });
  return desk;
}

/** The people of the roster, acting through signed requests as Slack would send them. */
class Stakeholders {
  private readonly roster;
  private state!: DecisionState;

  constructor(
    private readonly patchcall: Patchcall,
    private readonly standIn: LocalSlackStandIn,
    private readonly slackUrl: string,
    private readonly desk: string,
    private readonly slack: SlackApp,
  ) {
    this.roster = patchcall.readRoster();
  }

  private name(id: string): string {
    return this.roster.names[id] ?? id;
  }

  async play(filesDir: string): Promise<void> {
    const roles = this.roster.roles;
    const security = roles.security.users[0]!;
    const network = roles.network.users[0]!;
    const sysadmins = this.roster.groups[roles.sysadmin.groups[0]!]!.members;
    const owner = roles.owner.users[0]!;
    await this.open(security);
    await this.askForMoreInfo(sysadmins[0]!);
    for (const user of [security, network, sysadmins[1]!, sysadmins[0]!]) {
      out(`${this.name(user)} clicks [Agree]`);
      await this.click(user, ActionIds.agree);
      await settle();
    }
    await this.missTheDeadline();
    await this.makeTheCall(owner);
    await this.exportRecord(security, filesDir);
    await this.afterTheCall(owner);
  }

  /**
   * Friday: the owner is away and the deadline passes with no call. The scheduler takes the urgency's default path
   * once (escalate, "default: mitigate now" with the plan's mitigation); a second scheduler, as after a restart,
   * finds it in the log and sends nothing again.
   */
  private async missTheDeadline(): Promise<void> {
    const deadline = this.patchcall.loadDecision(DECISION).assessment!.summary.deadline.dueAt;
    demoNow = new Date(Date.parse(deadline) + 60_000);
    out(
      `\n=== ${formatTime(demoNow.toISOString(), this.patchcall.displayTimeZone())}: the deadline passed with no call`,
    );
    const before = this.channel().messages.length;
    this.slack.deps.scheduler.runOnce();
    await this.newMessages(before);
    const again = this.patchcall.decisionScheduler({ onAppended: () => undefined }).runOnce();
    const taken = this.patchcall.loadDecision(DECISION).defaultPathTaken;
    out(
      `\nA restarted scheduler looks again: ${again.written.length} new action(s); the default path was taken once, at ${taken ? formatTime(taken.at, this.patchcall.displayTimeZone()) : '?'}`,
    );
    demoNow = new Date(demoNow.getTime() + 4 * 60_000);
  }

  /**
   * The decision lives on: a later KEV listing changes the facts under the call (posted in the channel, the owner
   * asked), the owner confirms the call, then fixes installed and a final scan close the decision by themselves.
   */
  private async afterTheCall(owner: string): Promise<void> {
    const later = (name: string) => join(projectRoot(), 'db', 'seed-later', name);
    demoNow = new Date('2008-10-25T08:00:00Z');
    await this.feed(
      'Saturday morning: CISA lists CVE-2008-4250 as exploited (rehearsal KEV entry)',
      later('kev-ms08-067.json'),
    );
    out(`\n${this.name(owner)} clicks [Confirm the call]`);
    const before = this.channel().messages.length;
    await this.click(owner, ActionIds.confirmCall);
    await this.newMessages(before);
    demoNow = new Date('2008-10-25T12:00:00Z');
    await this.feed('Saturday: Get-HotFix shows KB958644 installed', later('hotfixes-2008-10-25.csv'));
    await this.feed(
      'Saturday: a final scan identifies printsrv (CUPS on Debian)',
      later('nmap-printsrv-2008-10-25.xml'),
    );
    this.state = this.patchcall.loadDecision(DECISION);
    out('\n--- the card now ---\n' + this.card());
    const living = this.state.living;
    out(
      `\nIn the event log: ${living?.progress ? `progress "${living.progress.line}"` : 'no progress'}; ${living?.closed ? `closed ${formatTime(living.closed.at, this.patchcall.displayTimeZone())}` : 'still open'}`,
    );
    const record = await this.patchcall.buildDecisionRecord(DECISION, { exportedBy: owner });
    const timeline = record.timeline.filter((t) => /progress|closed|facts-changed|confirmed/.test(t.type));
    out(`In the exported record's timeline:\n${timeline.map((t) => `  ${t.type}: ${t.summary}`).join('\n')}`);
  }

  /** A feed pushes a file to POST /bulletins (the ingest route); prints what patchcall then posts in the channel. */
  private async feed(title: string, file: string): Promise<void> {
    out(
      `\n=== ${title}\n$ curl -X POST -H 'Authorization: Bearer …' --data-binary @${relative(process.cwd(), file)} /bulletins`,
    );
    const before = this.channel().messages.length;
    const base = this.slackUrl.slice(0, -SLACK_EVENTS_PATH.length);
    const res = await fetch(`${base}/bulletins?name=${encodeURIComponent(file.split('/').pop()!)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
      body: readFileSync(file),
    });
    if (res.status >= 300) throw new Error(`ingest of ${file} answered ${res.status}: ${await res.text()}`);
    await this.newMessages(before);
  }

  /** Waits for the outbox to post into the channel, then prints every new message. */
  private async newMessages(before: number): Promise<void> {
    for (let i = 0; i < 50 && this.channel().messages.length === before; i++) await settle();
    await settle();
    for (const message of this.channel().messages.slice(before))
      out(`\n--- in #${this.channel().name} ---\n${message.blocks ? blocksToText(message.blocks) : message.text}`);
  }

  private async open(user: string): Promise<void> {
    out(`\n${this.name(user)}: /patch open ${DECISION}`);
    await this.command(user, `open ${DECISION}`, this.desk);
    this.state = this.patchcall.loadDecision(DECISION);
    for (let i = 0; i < 50 && !this.state.cardTs; i++) {
      await settle();
      this.state = this.patchcall.loadDecision(DECISION);
    }
    if (!this.state.cardTs)
      throw new Error('the decision was not convened: ' + JSON.stringify(this.standIn.responses().slice(-1)));
    const channel = this.channel();
    out(`  channel #${channel.name}, topic: ${channel.topic}`);
    out(`  members: ${channel.members.map((id) => this.name(id)).join(', ')}`);
    out('\n--- the decision card, as everyone in the channel sees it ---\n' + this.card());
  }

  private async askForMoreInfo(user: string): Promise<void> {
    out(`\n${this.name(user)} clicks [Need more info] and writes a comment`);
    await this.click(user, ActionIds.needMoreInfo);
    await settle();
    await this.submit(
      user,
      CallbackIds.position,
      'VDEMO1',
      { decisionId: DECISION, stance: 'more-info' },
      {
        [BlockIds.comment]: {
          [ActionIds.text]: { value: 'fs01 serves payroll on Friday: can the reboot wait until 20:00?' },
        },
      },
    );
    await settle();
  }

  private async makeTheCall(owner: string): Promise<void> {
    out(`\n${this.name(owner)} clicks [Make the call]: patch now, with a rationale`);
    await this.click(owner, ActionIds.makeCall);
    await settle();
    await this.submit(
      owner,
      CallbackIds.call,
      'VDEMO2',
      { decisionId: DECISION },
      {
        [BlockIds.outcome]: {
          [ActionIds.callOutcome]: {
            selected_option: { value: this.patchcall.loadDecision(DECISION).assessment!.summary.recommendedCall },
          },
        },
        [BlockIds.rationale]: {
          [ActionIds.text]: {
            value:
              'Wormable, exploited, and web01 is open to the internet on tcp/445. Patch tonight; fs01 after 20:00.',
          },
        },
      },
    );
    await settle();
    this.state = this.patchcall.loadDecision(DECISION);
    const channel = this.channel();
    out('\n--- the card now ---\n' + this.card());
    const pinned = channel.messages.find((m) => channel.pins.includes(m.ts));
    out(`\n--- pinned in #${channel.name} ---\n` + (pinned ? blocksToText(pinned.blocks ?? []) : '(nothing pinned)'));
    out(
      `\nRecorded: ${Object.keys(this.state.positions).length} positions, call by ${this.name(this.state.call?.by ?? '?')} at ${this.state.call ? formatTime(this.state.call.at, this.patchcall.displayTimeZone()) : '?'}`,
    );
    const anchors = this.standIn.channel(AUDIT_CHANNEL)!.messages.map((m) => m.text);
    out(`\n--- #${AUDIT_CHANNEL}: the chain head, anchored outside the database ---\n${anchors.join('\n')}`);
  }

  /** `/patch export`, then the uploaded JSON record and the audit channel saved for the auditor's steps. */
  private async exportRecord(user: string, filesDir: string): Promise<void> {
    const channel = this.channel();
    out(`\n${this.name(user)}: /patch export ${DECISION}`);
    const repliesBefore = this.standIn.responses().length;
    await this.command(user, `export ${DECISION}`, channel.id);
    for (let i = 0; i < 50 && this.standIn.responses().length === repliesBefore; i++) await settle();
    const answer = this.standIn.responses()[repliesBefore]?.body as { text?: string } | undefined;
    out(`  patchcall (only to ${this.name(user)}): ${answer?.text ?? '(no answer)'}`);
    for (const file of this.standIn.files()) {
      out(`  in #${channel.name}: ${file.filename} (${file.length} bytes)`);
      if (file.filename.endsWith('.json') && file.content) writeFileSync(join(filesDir, file.filename), file.content);
    }
    writeFileSync(
      join(filesDir, 'audit-channel.json'),
      JSON.stringify({ ok: true, messages: this.standIn.channel(AUDIT_CHANNEL)!.messages }),
    );
  }

  private channel() {
    return this.standIn.channel(this.state.channel!.id)!;
  }

  private card(): string {
    return blocksToText(this.channel().messages.find((m) => m.ts === this.state.cardTs)!.blocks!);
  }

  private command(user: string, text: string, channelId: string): Promise<string> {
    return this.post({
      command: '/patch',
      text,
      user_id: user,
      channel_id: channelId,
      team_id: TEAM,
      response_url: this.standIn.responseUrl(),
      trigger_id: this.standIn.issueTriggerId(),
    });
  }

  private click(user: string, actionId: string): Promise<string> {
    const channel = this.state.channel!.id;
    return this.post({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: user },
        team: { id: TEAM },
        api_app_id: 'A0DEMO',
        trigger_id: this.standIn.issueTriggerId(),
        container: { type: 'message', message_ts: this.state.cardTs, channel_id: channel },
        channel: { id: channel },
        message: { ts: this.state.cardTs },
        response_url: this.standIn.responseUrl(),
        actions: [{ type: 'button', action_id: actionId, value: DECISION, action_ts: `${Date.now() / 1000}` }],
      }),
    });
  }

  private submit(
    user: string,
    callbackId: string,
    viewId: string,
    metadata: Record<string, unknown>,
    values: Record<string, unknown>,
  ): Promise<string> {
    return this.post({
      payload: JSON.stringify({
        type: 'view_submission',
        user: { id: user },
        team: { id: TEAM },
        api_app_id: 'A0DEMO',
        trigger_id: this.standIn.issueTriggerId(),
        view: {
          id: viewId,
          type: 'modal',
          callback_id: callbackId,
          private_metadata: JSON.stringify(metadata),
          state: { values },
        },
      }),
    });
  }

  /** A form post signed with the signing secret, the way Slack signs its requests. */
  private async post(fields: Record<string, string>): Promise<string> {
    const body = new URLSearchParams(fields).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(this.slackUrl, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
    });
    return res.text();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exitCode = 1;
});
