/**
 * `npm run demo`: the MS08-067 story offline. Imports the bundled example, then runs the real Slack app in-process
 * against the local stand-in of Slack's Web API and plays the stakeholders with signed requests, printing what
 * each person sees. Nothing here talks to Slack: it refuses to run when Slack tokens are set.
 */
import { formatTime } from '../common/time-format';
import { displayTimeZone } from '../app/display-zone';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { openAppContext } from '../app/app-context';
import { loadDecision } from '../app/decision-log';
import { readRoster } from '../app/roles-roster';
import { projectRoot } from '../common/project-root';
import { ActionIds, BlockIds, CallbackIds } from '../slack/action-ids';
import { blocksToText } from '../slack/blocks/blocks-to-text';
import { createSlackApp, SLACK_EVENTS_PATH } from '../slack/create-slack-app';
import { startLocalSlackStandIn } from '../slack/local-slack-stand-in';
import { createLogger } from '../slack/logger';
import { readSlackConfig } from '../slack/slack-config';
import { runCli } from './run-cli';

const SECRET = 'demo-signing-secret-not-a-real-one';
const out = (text: string) => process.stdout.write(text + '\n');

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
  const root = projectRoot();
  const seedDir = join(root, 'db', 'seed');
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-demo-')), 'patchcall.db');
  const seeds = readdirSync(seedDir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => relative(process.cwd(), join(seedDir, f)));
  out(`patchcall demo: MS08-067 (CVE-2008-4250), released out of band on Thursday 2008-10-23.\nDatabase: ${dbPath}`);
  await step('A bulletin arrives: import the bundled example', ['import', ...seeds], dbPath);

  out('\n=== The stakeholders meet in Slack (a LOCAL STAND-IN of Slack’s Web API, not Slack)');
  const standIn = await startLocalSlackStandIn({ teamId: 'T0DEMO' });
  const ctx = openAppContext({ dbPath, clock: () => new Date('2008-10-23T18:30:00Z') });
  const roster = readRoster(ctx);
  for (const [id, name] of Object.entries(roster.names)) standIn.addUser({ id, name });
  for (const [id, g] of Object.entries(roster.groups))
    standIn.addUsergroup({ id, handle: g.handle, name: g.name, users: g.members });
  const desk = standIn.addChannel({ name: 'patch-desk', members: Object.keys(roster.names) });
  const audit = 'patchcall-audit';
  standIn.addChannel({ name: audit, members: [standIn.botUserId] });
  const config = {
    ...readSlackConfig({
      SLACK_BOT_TOKEN: standIn.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: standIn.apiUrl,
      PORT: '0',
      PATCHCALL_DB: dbPath,
      PATCHCALL_AUDIT_CHANNEL: audit,
    }),
  };
  const slack = await createSlackApp({ config, ctx, logger: createLogger({ level: 'error' }) });
  const url = `http://127.0.0.1:${await slack.start()}${SLACK_EVENTS_PATH}`;
  const name = (id: string) => roster.names[id] ?? id;
  const post = async (body: string) => {
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
    });
    return res.text();
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
  const people = roster.roles;
  const security = people.security.users[0]!;
  const network = people.network.users[0]!;
  const sysadmins = roster.groups[people.sysadmin.groups[0]!]!.members;
  const owner = people.owner.users[0]!;

  try {
    out(`\n${name(security)}: /patch open MS08-067`);
    await post(
      new URLSearchParams({
        command: '/patch',
        text: 'open MS08-067',
        user_id: security,
        channel_id: desk,
        team_id: 'T0DEMO',
        response_url: standIn.responseUrl(),
        trigger_id: standIn.issueTriggerId(),
      }).toString(),
    );
    let state = loadDecision(ctx, 'MS08-067');
    for (let i = 0; i < 50 && !state.cardTs; i++, state = loadDecision(ctx, 'MS08-067')) await settle();
    if (!state.cardTs)
      throw new Error('the decision was not convened: ' + JSON.stringify(standIn.responses().slice(-1)));
    const channel = standIn.channel(state.channel!.id)!;
    out(`  channel #${channel.name}, topic: ${channel.topic}`);
    out(`  members: ${channel.members.map(name).join(', ')}`);
    const card = () =>
      blocksToText(standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs)!.blocks!);
    out('\n--- the decision card, as everyone in the channel sees it ---\n' + card());

    const click = (user: string, actionId: string) =>
      post(
        new URLSearchParams({
          payload: JSON.stringify({
            type: 'block_actions',
            user: { id: user },
            team: { id: 'T0DEMO' },
            api_app_id: 'A0DEMO',
            trigger_id: standIn.issueTriggerId(),
            container: { type: 'message', message_ts: state.cardTs, channel_id: channel.id },
            channel: { id: channel.id },
            message: { ts: state.cardTs },
            response_url: standIn.responseUrl(),
            actions: [{ type: 'button', action_id: actionId, value: 'MS08-067', action_ts: `${Date.now() / 1000}` }],
          }),
        }).toString(),
      );
    const submit = (
      user: string,
      callbackId: string,
      viewId: string,
      metadata: string,
      values: Record<string, unknown>,
    ) =>
      post(
        new URLSearchParams({
          payload: JSON.stringify({
            type: 'view_submission',
            user: { id: user },
            team: { id: 'T0DEMO' },
            api_app_id: 'A0DEMO',
            trigger_id: standIn.issueTriggerId(),
            view: { id: viewId, type: 'modal', callback_id: callbackId, private_metadata: metadata, state: { values } },
          }),
        }).toString(),
      );

    out(`\n${name(sysadmins[0]!)} clicks [Need more info] and writes a comment`);
    await click(sysadmins[0]!, ActionIds.needMoreInfo);
    await settle();
    await submit(
      sysadmins[0]!,
      CallbackIds.position,
      'VDEMO1',
      JSON.stringify({ decisionId: 'MS08-067', stance: 'more-info' }),
      {
        [BlockIds.comment]: {
          [ActionIds.text]: { value: 'fs01 serves payroll on Friday: can the reboot wait until 20:00?' },
        },
      },
    );
    await settle();
    for (const user of [security, network, sysadmins[1]!, sysadmins[0]!]) {
      out(`${name(user)} clicks [Agree]`);
      await click(user, ActionIds.agree);
      await settle();
    }
    out(`\n${name(owner)} clicks [Make the call]: patch now, with a rationale`);
    await click(owner, ActionIds.makeCall);
    await settle();
    await submit(owner, CallbackIds.call, 'VDEMO2', JSON.stringify({ decisionId: 'MS08-067' }), {
      [BlockIds.outcome]: {
        [ActionIds.callOutcome]: {
          selected_option: { value: loadDecision(ctx, 'MS08-067').assessment!.summary.recommendedCall },
        },
      },
      [BlockIds.rationale]: {
        [ActionIds.text]: {
          value: 'Wormable, exploited, and web01 is open to the internet on tcp/445. Patch tonight; fs01 after 20:00.',
        },
      },
    });
    await settle();
    state = loadDecision(ctx, 'MS08-067');
    out('\n--- the card now ---\n' + card());
    const pinned = standIn.channel(channel.id)!.messages.find((m) => standIn.channel(channel.id)!.pins.includes(m.ts));
    out(
      '\n--- pinned in #' + channel.name + ' ---\n' + (pinned ? blocksToText(pinned.blocks ?? []) : '(nothing pinned)'),
    );
    out(
      `\nRecorded: ${Object.keys(state.positions).length} positions, call by ${name(state.call?.by ?? '?')} at ${state.call ? formatTime(state.call.at, displayTimeZone(ctx.rulesDir)) : '?'}`,
    );
    out(
      `\n--- #${audit}: the chain head, anchored outside the database ---\n${standIn
        .channel(audit)!
        .messages.map((m) => m.text)
        .join('\n')}`,
    );

    out(`\n${name(security)}: /patch export MS08-067`);
    const repliesBefore = standIn.responses().length;
    await post(
      new URLSearchParams({
        command: '/patch',
        text: 'export MS08-067',
        user_id: security,
        channel_id: channel.id,
        team_id: 'T0DEMO',
        response_url: standIn.responseUrl(),
        trigger_id: standIn.issueTriggerId(),
      }).toString(),
    );
    for (let i = 0; i < 50 && standIn.responses().length === repliesBefore; i++) await settle();
    out(
      `  patchcall (only to ${name(security)}): ${(standIn.responses()[repliesBefore]?.body as { text?: string } | undefined)?.text ?? '(no answer)'}`,
    );
    for (const file of standIn.files()) {
      out(`  in #${channel.name}: ${file.filename} (${file.length} bytes)`);
      if (file.filename.endsWith('.json') && file.content)
        writeFileSync(join(dirname(dbPath), file.filename), file.content);
    }
    writeFileSync(
      join(dirname(dbPath), 'audit-channel.json'),
      JSON.stringify({ ok: true, messages: standIn.channel(audit)!.messages }),
    );
  } finally {
    await slack.stop();
    ctx.close();
    await standIn.stop();
  }
  await step(
    'Everything above is in the tamper-evident log, and matches the anchors Slack holds',
    ['audit', 'verify', '--anchors', join(dirname(dbPath), 'audit-channel.json')],
    dbPath,
  );
  await step(
    'An auditor checks the uploaded record on its own, without the database',
    ['audit', 'verify', '--export', join(dirname(dbPath), 'audit-MS08-067.json')],
    dbPath,
  );
  out(`\nThe record as a printable report: patchcall --db ${dbPath} export MS08-067 --format html --out ms08-067.html`);
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exitCode = 1;
});
