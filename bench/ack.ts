/**
 * Ack latency benchmark: the real patchcall app (HTTP receiver, the MS08-067 seed imported and convened) against a
 * bare Bolt app whose handlers only ack, under 50 concurrent signed `/patch status` commands and `Agree` clicks on
 * the real card. Every click appends: each is by a different member of the sysadmins' user group (Slack told the app
 * of the group's members with a `subteam_updated` event after convening), so each one commits a position to the log
 * before its ack. Prints p50/p99 per app, the ratio of p99s (target: patchcall ≤ 1.5 × bare)
 * and what the clicks and commands left behind. Run with `npm run bench:ack`.
 *
 * Topology, as in production: this process plays Slack sending requests; each app runs in its own child process;
 * the Slack Web API stand-in (which also takes the response_url posts) runs in a third. In one process the
 * stand-in's parsing and the load generator's own work would be billed to whichever app happened to share the loop.
 * BENCH_ACK_PROFILE=<dir> writes a CPU profile of the patchcall process there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { App, HTTPReceiver } from '@slack/bolt';
import { openAppContext, type AppContext } from '../src/app/app-context';
import { openPatchcall } from '../src/app/patchcall';
import { importDocuments } from '../src/app/import-documents';
import { decisionIds, loadDecision } from '../src/app/decision-log';
import { sniffDocument } from '../src/app/read-document';
import { readRoster } from '../src/app/roles-roster';
import { projectRoot } from '../src/common/project-root';
import { DecisionEvents, decisionStream } from '../src/decisions/decision-model';
import { createSlackApp } from '../src/slack/create-slack-app';
import { createLogger } from '../src/logging/logger';
import { boltLogger } from '../src/slack/bolt-logger';
import { readSlackConfig } from '../src/slack/slack-config';
import { startLocalSlackStandIn } from '../dev/local-slack-stand-in';
import { ActionIds } from '../src/slack/action-ids';

const SECRET = 'bench-signing-secret';
const CONCURRENCY = 50;
const REQUESTS = 400;
const WARMUP = 100;
/** Runs per app and kind, alternating the apps; the figures quoted are medians over them. */
const RUNS = Number(process.env.BENCH_ACK_RUNS ?? 3);
const DECISION = 'MS08-067';
const TEAM = 'T0BENCH';
/** Every click the patchcall app gets (warm-up included) is by a member who has not spoken yet. */
const CLICKERS = RUNS * (WARMUP + REQUESTS / 2);
const benchClicker = (i: number) => `U0BENCH${String(i).padStart(4, '0')}`;

type Message = { kind: string } & Record<string, unknown>;

interface StandInInfo {
  apiUrl: string;
  origin: string;
  botToken: string;
  botId: string;
  botUserId: string;
  desk: string;
}

interface StandInReport {
  responses: number;
  responseTexts: Record<string, number>;
  calls: Record<string, number>;
  failures: Record<string, number>;
}

interface LogReport {
  warn: number;
  error: number;
  sample: string[];
}

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
}

// --- the children -----------------------------------------------------------------------------------------------

async function runStandInChild(): Promise<void> {
  const seed = JSON.parse(process.env.BENCH_ACK_SEED!) as {
    users: Record<string, string>;
    groups: Record<string, { handle: string; name: string; members: string[] }>;
  };
  const standIn = await startLocalSlackStandIn({ teamId: TEAM });
  for (const [id, name] of Object.entries(seed.users)) standIn.addUser({ id, name });
  for (const [id, g] of Object.entries(seed.groups))
    standIn.addUsergroup({ id, handle: g.handle, name: g.name, users: g.members });
  const desk = standIn.addChannel({ name: 'patch-desk', members: [...Object.keys(seed.users), standIn.botUserId] });
  serve(
    {
      kind: 'ready',
      apiUrl: standIn.apiUrl,
      origin: standIn.origin,
      botToken: standIn.botToken,
      botId: standIn.botId,
      botUserId: standIn.botUserId,
      desk,
    },
    {
      report: () => {
        const responseTexts: Record<string, number> = {};
        for (const { body } of standIn.responses()) {
          const text = String((body as { text?: string }).text ?? '')
            .replace(/\d+ positions?/, 'N positions')
            .slice(0, 60);
          responseTexts[text] = (responseTexts[text] ?? 0) + 1;
        }
        const calls: Record<string, number> = {};
        const failures: Record<string, number> = {};
        for (const call of standIn.calls()) {
          calls[call.method] = (calls[call.method] ?? 0) + 1;
          if (call.error || call.fault)
            failures[`${call.method}: ${call.error ?? call.fault}`] =
              (failures[`${call.method}: ${call.error ?? call.fault}`] ?? 0) + 1;
        }
        return { responses: standIn.responses().length, responseTexts, calls, failures } satisfies StandInReport;
      },
      stop: () => standIn.stop(),
    },
  );
}

async function runAppChild(kind: 'patchcall' | 'bare'): Promise<void> {
  const setup = JSON.parse(process.env.BENCH_ACK_APP!) as StandInInfo & { dbPath: string };
  // warn and error lines are counted and reported at the end instead of flooding the bench output
  const log: LogReport = { warn: 0, error: 0, sample: [] };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const level = (JSON.parse(chunk.toString('utf8')) as { level: number }).level;
      if (level >= 50) log.error++;
      else if (level >= 40) log.warn++;
      if (log.sample.length < 5) log.sample.push(chunk.toString('utf8').trim().slice(0, 300));
      done();
    },
  });
  const logger = createLogger({ level: 'warn', destination });
  let port: number;
  let stop: () => Promise<void>;
  if (kind === 'patchcall') {
    const config = readSlackConfig({
      SLACK_BOT_TOKEN: setup.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: setup.apiUrl,
      PORT: '0',
      PATCHCALL_DB: setup.dbPath,
    });
    const patchcall = openPatchcall({ dbPath: setup.dbPath });
    const slackApp = await createSlackApp({ config, patchcall, logger });
    port = (await slackApp.start())!;
    stop = async () => {
      await slackApp.stop();
      patchcall.close();
    };
  } else {
    const bolt = boltLogger(logger);
    const app = new App({
      receiver: new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logger: bolt }),
      token: setup.botToken,
      botId: setup.botId,
      botUserId: setup.botUserId,
      logger: bolt,
      clientOptions: { slackApiUrl: setup.apiUrl },
    });
    app.command('/patch', async ({ ack }) => ack());
    app.action(/.*/, async ({ ack }) => ack());
    const server = (await app.start(0)) as Server;
    port = (server.address() as AddressInfo).port;
    stop = async () => {
      const stopped = app.stop();
      server.closeAllConnections();
      await stopped;
    };
  }
  // how long the event loop was held up at a stretch: what every request waiting for its ack waited behind
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  // CPU the app spent per run: unlike a latency, it hardly moves with what else the machine is running
  let cpuSince = process.cpuUsage();
  serve(
    { kind: 'ready', port },
    {
      report: () => log,
      stop,
      loop: () => {
        const cpu = process.cpuUsage(cpuSince);
        const stats = {
          p99: loopDelay.percentile(99) / 1e6,
          max: loopDelay.max / 1e6,
          cpuMs: (cpu.user + cpu.system) / 1000,
        };
        loopDelay.reset();
        cpuSince = process.cpuUsage();
        return stats;
      },
    },
  );
}

/** Answers the parent's requests by kind; `stop` also ends the process. */
function serve(
  ready: Message,
  handlers: { report: () => unknown; stop: () => Promise<void>; loop?: () => unknown },
): void {
  process.on('message', (message: Message) => {
    if (message.kind === 'report') process.send!({ kind: 'report', report: handlers.report() });
    if (message.kind === 'loop') process.send!({ kind: 'loop', loop: handlers.loop?.() });
    if (message.kind === 'stop')
      void handlers.stop().finally(() => process.send!({ kind: 'stopped' }, () => process.exit(0)));
  });
  process.send!(ready);
}

// --- the parent ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const seeded = seedDatabase();
  const ctx = openAppContext({ dbPath: seeded.dbPath });
  const roster = readRoster(ctx);
  const synthetic = Object.fromEntries(Array.from({ length: CLICKERS }, (_, i) => [benchClicker(i), `member ${i}`]));
  const standIn = await spawn('stand-in', {
    BENCH_ACK_SEED: JSON.stringify({ users: { ...roster.names, ...synthetic }, groups: roster.groups }),
  });
  const info = standIn.ready as unknown as StandInInfo;
  const appEnv = { BENCH_ACK_APP: JSON.stringify({ ...info, dbPath: seeded.dbPath }) };
  const bareChild = await spawn('bare', appEnv);
  const realChild = await spawn('patchcall', appEnv);
  const bare: Target = {
    name: 'bare Bolt',
    url: `http://127.0.0.1:${bareChild.ready.port as number}/slack/events`,
    child: bareChild.child,
  };
  const real: Target = {
    name: 'patchcall',
    url: `http://127.0.0.1:${realChild.ready.port as number}/slack/events`,
    child: realChild.child,
  };
  let failed = false;
  try {
    const opener = roster.roles.security.users[0]!;
    const card = await convene(real, info, opener, seeded.dbPath);
    // the sysadmins' group grows after convening: Slack tells the app, and each new member clicks Agree once
    const sysadmins = roster.roles.sysadmin.groups[0]!;
    const clickers = Object.keys(synthetic);
    await growGroup(real, ctx, sysadmins, [...roster.groups[sysadmins]!.members, ...clickers]);
    let turn = 0;
    const kinds: { label: string; body: (target: Target) => { body: string; contentType: string } }[] = [
      { label: '/patch status', body: () => commandBody(info, opener, 'status') },
      // each patchcall click by someone new; the bare app's (which records nothing) by the same person
      {
        label: 'position click',
        body: (target) => clickBody(info, card, target === real ? clickers[turn++]! : clickers[0]!),
      },
    ];

    console.log(
      `seeded db: ${seeded.imported.length} documents${seeded.skipped.length ? `; skipped ${seeded.skipped.join(', ')}` : ''}; ${DECISION} convened in #${card.channelName}, card ${card.ts}`,
    );
    console.log(
      `${REQUESTS} requests per app and kind, ${CONCURRENCY} in flight, after ${WARMUP} warm-up requests per run, ${RUNS} runs per app alternating; apps and the Slack stand-in in separate processes\n`,
    );
    const before = eventCount(ctx);
    for (const kind of kinds) {
      const results: Record<string, number[]> = {};
      const runP99s: Record<string, number[]> = {};
      const drains: Record<string, string[]> = {};
      const loops: Record<string, string[]> = {};
      const cpus: Record<string, number[]> = {};
      // alternate the apps so neither always runs on a warmer (or quieter) machine; each pair runs close in time
      for (let run = 0; run < RUNS; run++)
        for (const target of run % 2 === 0 ? [bare, real] : [real, bare]) {
          await fire(target, () => kind.body(target), WARMUP);
          await quiet(standIn.child);
          await ask(target.child, 'loop', 'loop');
          const times = await fire(target, () => kind.body(target), REQUESTS / 2);
          const loop = (await ask(target.child, 'loop', 'loop')).loop as { p99: number; max: number; cpuMs: number };
          // the post-ack work of one run must not spill into the next one's timings; how long it ran on is printed:
          // acks come first, so work left after the last ack (card, replies, name lookups) shows here
          const drainedAfter = await quiet(standIn.child);
          // CPU until the post-ack work drained: what each request costs the app in all
          const cpuMs = loop.cpuMs + ((await ask(target.child, 'loop', 'loop')).loop as { cpuMs: number }).cpuMs;
          loops[target.name] = [...(loops[target.name] ?? []), `${loop.p99.toFixed(0)}/${loop.max.toFixed(0)}`];
          results[target.name] = [...(results[target.name] ?? []), ...times];
          runP99s[target.name] = [...(runP99s[target.name] ?? []), percentile(times, 99)];
          drains[target.name] = [...(drains[target.name] ?? []), drainedAfter.toFixed(0)];
          cpus[target.name] = [...(cpus[target.name] ?? []), cpuMs / (REQUESTS / 2)];
        }
      for (const target of [bare, real]) {
        const times = results[target.name]!;
        console.log(
          `${kind.label.padEnd(16)} ${target.name.padEnd(10)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms all runs, median of runs ${median(runP99s[target.name]!).toFixed(1).padStart(6)} ms   CPU per request ${median(cpus[target.name]!).toFixed(2)} ms   (p99 per run: ${runP99s[target.name]!.map((v) => v.toFixed(0)).join(', ')} ms; event loop held up p99/max ${loops[target.name]!.join(', ')} ms; Slack calls went on ${drains[target.name]!.join(', ')} ms after the last answer)`,
        );
      }
      const pairRatios = runP99s[real.name]!.map((p99, run) => p99 / runP99s[bare.name]![run]!);
      const ratio = median(runP99s[real.name]!) / median(runP99s[bare.name]!);
      console.log(
        `${kind.label.padEnd(16)} p99 ratio patchcall/bare = ${ratio.toFixed(2)} (median of runs; per pair of runs ${pairRatios.map((r) => r.toFixed(2)).join(', ')}; all runs pooled ${(percentile(results[real.name]!, 99) / percentile(results[bare.name]!, 99)).toFixed(2)}) (target ≤ 1.50) ${ratio <= 1.5 ? 'OK' : 'OVER'}\n`,
      );
    }
    failed = !(await checkSideEffects(ctx, standIn.child, real.child, bare.child, clickers, eventCount(ctx) - before));
  } finally {
    for (const child of [real.child, bare.child, standIn.child]) await ask(child, 'stop', 'stopped');
    ctx.close();
  }
  if (failed) process.exitCode = 1;
}

/** Convenes the decision the way a person does, and waits for its card like the demo does. */
async function convene(
  real: Target,
  info: StandInInfo,
  user: string,
  dbPath: string,
): Promise<{ ts: string; channel: string; channelName: string }> {
  const { body, contentType } = commandBody(info, user, `open ${DECISION}`);
  const res = await signedPost(real.url, body, contentType);
  if (res.status !== 200) throw new Error(`/patch open answered HTTP ${res.status}`);
  const ctx = openAppContext({ dbPath });
  try {
    for (let i = 0; i < 100; i++) {
      const state = decisionIds(ctx).includes(DECISION) ? loadDecision(ctx, DECISION) : undefined;
      if (state?.cardTs) return { ts: state.cardTs, channel: state.channel!.id, channelName: state.channel!.name };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    ctx.close();
  }
  throw new Error(`${DECISION} was not convened within 10 s`);
}

/** Tells the app, as Slack does, that the group now has these members; waits until its cache holds them. */
async function growGroup(real: Target, ctx: AppContext, groupId: string, members: string[]): Promise<void> {
  const body = JSON.stringify({
    token: 'unused',
    team_id: TEAM,
    api_app_id: 'A0BENCH',
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'subteam_updated', subteam: { id: groupId, users: members } },
  });
  const res = await signedPost(real.url, body, 'application/json');
  if (res.status !== 200) throw new Error(`subteam_updated answered HTTP ${res.status}`);
  const cached = ctx.db.prepare('SELECT members FROM slack_usergroup_members WHERE group_id = ?');
  for (let i = 0; i < 100; i++) {
    const row = cached.get(groupId) as { members: string } | undefined;
    if (row && (JSON.parse(row.members) as string[]).length === members.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not take in the members of ${groupId} within 10 s`);
}

/** Prints what the measured requests did, and whether that is what they should have done. */
async function checkSideEffects(
  ctx: AppContext,
  standIn: ChildProcess,
  real: ChildProcess,
  bare: ChildProcess,
  clickers: string[],
  appended: number,
): Promise<boolean> {
  const state = loadDecision(ctx, DECISION);
  const stand = (await ask(standIn, 'report', 'report')).report as StandInReport;
  const realLog = (await ask(real, 'report', 'report')).report as LogReport;
  const bareLog = (await ask(bare, 'report', 'report')).report as LogReport;
  const statusRequests = RUNS * (WARMUP + REQUESTS / 2);
  const statusReplies = Object.entries(stand.responseTexts)
    .filter(([text]) => text.startsWith(`*${DECISION}* — open:`))
    .reduce((sum, [, n]) => sum + n, statusRepliesInAck);
  const agreed = clickers.filter((user) => state.positions[user]?.stance === 'agree');
  const positionEvents = [
    ...ctx.events.read({ stream: decisionStream(DECISION), type: DecisionEvents.positionRecorded }),
  ].length;
  const pendingEvents = [...ctx.events.read({ stream: decisionStream(DECISION), type: DecisionEvents.positionPending })]
    .length;
  console.log(
    `side effects: ${appended} events appended while measuring; ${DECISION} holds ${Object.keys(state.positions).length} positions (${positionEvents} position events), ${state.refusals.length} refusals`,
  );
  console.log(
    `  clickers with an Agree on record: ${agreed.length}/${clickers.length}; every click was by someone new (a group member the app heard of from Slack's event) and appended a position before its ack; ${pendingEvents} waited on a role check`,
  );
  console.log(
    `  per click, after its ack: one response_url reply, one users.info for the new name (${stand.calls['users.info'] ?? 0} in all), and a card update coalesced with the others (${stand.calls['chat.update'] ?? 0} chat.update for ${clickers.length} clicks, each rendering every position)`,
  );
  console.log(
    `  response_url posts: ${stand.responses} (${statusReplies}/${statusRequests} status replies naming ${DECISION}, ${statusRepliesInAck} of them in the ack); Web API calls: ${JSON.stringify(stand.calls)}`,
  );
  console.log(
    `  log lines at warn/error: patchcall ${realLog.warn}/${realLog.error}, bare ${bareLog.warn}/${bareLog.error}`,
  );
  for (const line of [...realLog.sample, ...bareLog.sample]) console.log(`    ${line}`);
  const problems = [
    agreed.length !== clickers.length && 'not every clicker has an Agree recorded',
    positionEvents !== clickers.length &&
      `expected exactly ${clickers.length} position events (one per clicker), found ${positionEvents}`,
    state.refusals.length !== 0 && 'clicks by role members were refused',
    statusReplies !== statusRequests && 'not every /patch status got its reply',
    Object.keys(stand.failures).length !== 0 && `the stand-in answered errors: ${JSON.stringify(stand.failures)}`,
    realLog.warn + realLog.error + bareLog.warn + bareLog.error !== 0 && 'the apps logged warnings or errors',
  ].filter((p): p is string => typeof p === 'string');
  for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
  if (problems.length === 0) console.log('  all requests answered 200 and did what they should');
  return problems.length === 0;
}

function eventCount(ctx: AppContext): number {
  return ctx.events.head().seq;
}

/**
 * Waits until the stand-in has received nothing new for a while: the app's post-ack work has drained. Resolves to
 * how long after the call the last new request reached the stand-in (to within the 150 ms between looks).
 */
async function quiet(standIn: ChildProcess): Promise<number> {
  const started = performance.now();
  let last = -1;
  let lastChange = started;
  for (;;) {
    const report = (await ask(standIn, 'report', 'report')).report as StandInReport;
    const seen = report.responses + Object.values(report.calls).reduce((a, b) => a + b, 0);
    if (seen === last) return lastChange - started;
    if (last !== -1) lastChange = performance.now();
    last = seen;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function seedDatabase(): { dbPath: string; imported: string[]; skipped: string[] } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-bench-ack-')), 'patchcall.db');
  const ctx = openAppContext({ dbPath });
  const seedDir = join(projectRoot(), 'db', 'seed');
  const imported: string[] = [];
  const skipped: string[] = [];
  try {
    for (const name of readdirSync(seedDir)
      .filter((n) => !n.endsWith('.md'))
      .sort()) {
      const bytes = readFileSync(join(seedDir, name));
      try {
        importDocuments(ctx, [{ doc: sniffDocument(name, bytes), bytes }], { actor: 'bench' });
        imported.push(name);
      } catch {
        skipped.push(name); // a format whose importer is still being written
      }
    }
  } finally {
    ctx.close();
  }
  return { dbPath, imported, skipped };
}

async function spawn(role: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: Message }> {
  const child = fork(__filename, [role], {
    execArgv:
      role === 'patchcall' && process.env.BENCH_ACK_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_ACK_PROFILE}`]
        : [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(child, 'ready');
  return { child, ready };
}

function ask(child: ChildProcess, request: string, answer: string): Promise<Message> {
  const reply = nextMessage(child, answer);
  child.send({ kind: request });
  return reply;
}

function nextMessage(child: ChildProcess, kind: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`bench child ${child.spawnargs.slice(-1)[0]} exited (${code}) before "${kind}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function signedPost(url: string, body: string, contentType: string): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  });
}

/** Sends `count` signed requests, CONCURRENCY at a time; returns each one's time to response in ms. */
async function fire(
  target: Target,
  make: () => { body: string; contentType: string },
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const { body, contentType } = make();
      const started = performance.now();
      const res = await signedPost(target.url, body, contentType);
      const answer = await res.text();
      // /patch status answers in the ack body; count those replies alongside the ones posted to response_url
      if (answer.includes(`*${DECISION}* — open:`)) statusRepliesInAck++;
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`${target.name} answered HTTP ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return times;
}

let responseCounter = 0;
let statusRepliesInAck = 0;
const responseUrl = (info: StandInInfo) => `${info.origin}/response/bench-${++responseCounter}`;
// no listener in this benchmark opens a modal, so the stand-in never has to know these
const triggerId = () => `${Date.now()}.${++responseCounter}.${randomBytes(8).toString('hex')}`;

function commandBody(info: StandInInfo, user: string, text: string): { body: string; contentType: string } {
  const form = new URLSearchParams({
    api_app_id: 'A0BENCH',
    team_id: TEAM,
    team_domain: 'bench',
    channel_id: info.desk,
    channel_name: 'patch-desk',
    user_id: user,
    user_name: user,
    command: '/patch',
    text,
    response_url: responseUrl(info),
    trigger_id: triggerId(),
    is_enterprise_install: 'false',
  });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

function clickBody(
  info: StandInInfo,
  card: { ts: string; channel: string; channelName: string },
  user: string,
): { body: string; contentType: string } {
  const payload = {
    type: 'block_actions',
    team: { id: TEAM, domain: 'bench' },
    user: { id: user, username: user, name: user, team_id: TEAM },
    api_app_id: 'A0BENCH',
    trigger_id: triggerId(),
    container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
    channel: { id: card.channel, name: card.channelName },
    message: { type: 'message', ts: card.ts, text: '' },
    response_url: responseUrl(info),
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: ActionIds.agree,
        block_id: 'decision_actions',
        value: DECISION,
        text: { type: 'plain_text', text: 'Agree' },
        action_ts: `${(Date.now() / 1000).toFixed(6)}${++responseCounter}`,
      },
    ],
  };
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const role = process.argv[2];
const run =
  role === 'stand-in' ? runStandInChild() : role === 'patchcall' || role === 'bare' ? runAppChild(role) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
