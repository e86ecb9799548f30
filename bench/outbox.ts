/**
 * Outbox benchmark: 200 open decisions, 20 Agree clicks on each (4,000 signed clicks spread over 60 s) while the
 * Slack stand-in answers 10 % of every Web API call with a 429 (Retry-After: 1). Every click must be acked after
 * its position is in the log, and every card must end showing exactly the positions in the log. Prints the ack
 * latencies and how long after the last click the last card became consistent. Run with `npm run bench:outbox`.
 *
 * The app runs in its own process, as in production; this process plays Slack: the Web API stand-in and the
 * people clicking.
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openAppContext } from '../src/app/app-context';
import { loadDecision } from '../src/app/decision-log';
import { importDocuments } from '../src/app/import-documents';
import { patchcallOver } from '../src/app/patchcall';
import { sniffDocument } from '../src/app/read-document';
import type { Assessment } from '../src/risk/model';
import { projectRoot } from '../src/common/project-root';
import { createLogger } from '../src/logging/logger';
import { ActionIds } from '../src/slack/action-ids';
import { blocksToText } from '../src/slack/blocks/blocks-to-text';
import { createSlackApp } from '../src/slack/create-slack-app';
import { readSlackConfig } from '../src/slack/slack-config';
import { startLocalSlackStandIn } from '../dev/local-slack-stand-in';

const SECRET = 'bench-outbox-signing-secret';
const DECISIONS = 200;
const CLICKS_PER_DECISION = 20;
const CLICK_WINDOW_MS = 60_000;
const FAULT_RATE = 0.1;
const CONSISTENCY_TIMEOUT_MS = 180_000;
const MAX_IN_FLIGHT = 100;
const TEAM = 'T0BENCH';
const EFFECT_METHODS = [
  'conversations.create',
  'conversations.list',
  'conversations.setTopic',
  'conversations.invite',
  'conversations.history',
  'chat.postMessage',
  'chat.update',
  'pins.add',
];

const clickers = Array.from({ length: CLICKS_PER_DECISION }, (_, i) => `U0CLICK${String(i + 1).padStart(2, '0')}`);
const bulletinIds = Array.from({ length: DECISIONS }, (_, i) => `BENCH-${String(i + 1).padStart(3, '0')}`);

/** The app's process: the real Slack app on the seeded database, pointed at the parent's stand-in. */
async function runApp(): Promise<void> {
  const { dbPath, apiUrl, botToken } = JSON.parse(process.env.BENCH_OUTBOX_APP!) as Record<string, string>;
  const ctx = openAppContext({ dbPath: dbPath! });
  // one real assessment of MS08-067, reused for every bench bulletin (they copy its products)
  const template: Assessment = await patchcallOver(ctx).assessBulletin('MS08-067');
  const patchcall = patchcallOver(ctx, {
    assess: async (_ctx, bulletinId, now) => ({ ...template, bulletinId, assessedAt: now.toISOString() }),
  });
  let warnings = 0;
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({
      write(_chunk, _encoding, done) {
        warnings++;
        done();
      },
    }),
  });
  const config = readSlackConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    PORT: '0',
    PATCHCALL_DB: dbPath,
  });
  const slackApp = await createSlackApp({ config, patchcall, logger, outbox: { sweepMs: 1000 } });
  const port = (await slackApp.start())!;
  process.on('message', (message: { kind: string }) => {
    if (message.kind !== 'stop') return;
    void slackApp.stop().finally(() => {
      ctx.close();
      process.send!({ kind: 'stopped', warnings }, () => process.exit(0));
    });
  });
  process.send!({ kind: 'ready', port });
}

async function main(): Promise<void> {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-bench-outbox-')), 'patchcall.db');
  const ctx = openAppContext({ dbPath });
  seed(ctx);

  const standIn = await startLocalSlackStandIn({ teamId: TEAM });
  for (const id of [...clickers, 'U0OWNER01']) standIn.addUser({ id, name: id.toLowerCase() });
  const desk = standIn.addChannel({ name: 'patch-desk', members: [clickers[0]!, standIn.botUserId] });
  const child = fork(__filename, ['app'], {
    env: {
      ...process.env,
      BENCH_OUTBOX_APP: JSON.stringify({ dbPath, apiUrl: standIn.apiUrl, botToken: standIn.botToken }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BENCH_OUTBOX_PROFILE=<dir> writes a CPU profile of the app's process there
    execArgv: process.env.BENCH_OUTBOX_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_OUTBOX_PROFILE}`]
      : [],
  });
  const ready = await new Promise<{ port: number }>((resolve) =>
    child.once('message', (message) => resolve(message as { port: number })),
  );
  const url = `http://127.0.0.1:${ready.port}/slack/events`;
  let warnings = 0;

  try {
    let random = 0x2545f491;
    const seeded = () => (random = (Math.imul(random, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (const method of EFFECT_METHODS)
      standIn.failRandomly(method, FAULT_RATE, { kind: 'ratelimited', retryAfterSeconds: 1 }, seeded);

    // convene the 200 decisions the way people do
    const openedAt = performance.now();
    await Promise.all(
      bulletinIds.map((id) =>
        signedPost(url, command(standIn.responseUrl(), standIn.issueTriggerId(), desk, `open ${id}`)),
      ),
    );
    const cards = await until(
      () =>
        bulletinIds.every((id) => loadDecision(ctx, id).cardTs)
          ? bulletinIds.map((id) => loadDecision(ctx, id))
          : undefined,
      120_000,
      'every card posted',
    );
    console.log(
      `${DECISIONS} decisions convened through /patch open, every card posted in ${((performance.now() - openedAt) / 1000).toFixed(1)} s (10 % of Web API calls answered 429)`,
    );

    // 4,000 clicks spread evenly over 60 s, round-robin over the decisions
    const acks: number[] = [];
    let failedAcks = 0;
    const started = performance.now();
    const total = DECISIONS * CLICKS_PER_DECISION;
    const clicks: Promise<void>[] = [];
    let inFlight = 0;
    for (let i = 0; i < total; i++) {
      // a bounded number in flight, as Slack's own delivery would be; a slow app stretches the window instead
      while (inFlight >= MAX_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 5));
      const state = cards[i % DECISIONS]!;
      const user = clickers[Math.floor(i / DECISIONS)]!;
      const due = started + (i * CLICK_WINDOW_MS) / total;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const body = click(
        standIn.responseUrl(),
        standIn.issueTriggerId(),
        state.id,
        state.channel!.id,
        state.cardTs!,
        user,
        i,
      );
      const sent = performance.now();
      inFlight++;
      clicks.push(
        signedPost(url, body)
          .then((res) => {
            acks.push(performance.now() - sent);
            if (res.status !== 200) failedAcks++;
          })
          .catch(() => void failedAcks++)
          .finally(() => void inFlight--),
      );
    }
    await Promise.all(clicks);
    const lastAck = performance.now();
    console.log(
      `${total} clicks in ${((lastAck - started) / 1000).toFixed(1)} s: ack p50 ${percentile(acks, 50).toFixed(1)} ms, p99 ${percentile(acks, 99).toFixed(1)} ms, max ${Math.max(...acks).toFixed(0)} ms; ${failedAcks} not answered 200`,
    );

    const positionsInLog = () =>
      bulletinIds.reduce((sum, id) => sum + Object.keys(loadDecision(ctx, id).positions).length, 0);
    const inconsistent = () =>
      bulletinIds.filter((id) => {
        const state = loadDecision(ctx, id);
        const card = standIn.channel(state.channel!.id)!.messages.find((m) => m.ts === state.cardTs);
        const shown = new Set([...blocksToText(card?.blocks ?? []).matchAll(/@(U[A-Z0-9]+) agrees/g)].map((m) => m[1]));
        const logged = Object.keys(state.positions);
        return shown.size !== logged.length || logged.some((user) => !shown.has(user));
      });
    await until(
      () => (inconsistent().length === 0 ? true : undefined),
      CONSISTENCY_TIMEOUT_MS,
      'consistent cards',
    ).catch((error: Error) =>
      console.log(`PROBLEM: ${error.message}: ${inconsistent().length} cards still differ from the log`),
    );
    const consistentAfter = performance.now() - lastAck;
    const updates = standIn.calls('chat.update');
    const faults = standIn.calls().filter((c) => c.fault === 'ratelimited').length;
    const cardsPerChannel = bulletinIds.map((id) => {
      const state = loadDecision(ctx, id);
      return standIn.channel(state.channel!.id)!.messages.filter((m) => m.user === standIn.botUserId).length;
    });
    const channels = standIn.channels().filter((c) => c.name.startsWith('patch-bench-')).length;
    console.log(
      `every card shows exactly the positions in the log ${(consistentAfter / 1000).toFixed(1)} s after the last click's ack`,
    );
    console.log(
      `  positions in the log: ${positionsInLog()} (expected ${total - failedAcks}, one per acknowledged click); channels: ${channels} (expected ${DECISIONS}); cards per channel: max ${Math.max(...cardsPerChannel)}, min ${Math.min(...cardsPerChannel)}`,
    );
    console.log(`  chat.update calls: ${updates.length} for ${total} clicks (coalesced); 429s injected: ${faults}`);
    const problems = [
      positionsInLog() < total - failedAcks && 'not every acknowledged click is a position in the log',
      failedAcks !== 0 && 'some clicks were not answered 200',
      channels !== DECISIONS && 'a decision has no channel or more than one',
      Math.max(...cardsPerChannel) !== 1 && 'a channel holds more than one card',
      inconsistent().length !== 0 && 'some cards differ from the log',
    ].filter((p): p is string => typeof p === 'string');
    for (const problem of problems) console.log(`PROBLEM: ${problem}`);
    if (problems.length) process.exitCode = 1;
  } finally {
    const stopped = new Promise<{ warnings: number }>((resolve) =>
      child.on('message', (message: { kind: string; warnings: number }) => {
        if (message.kind === 'stopped') resolve(message);
      }),
    );
    child.send({ kind: 'stop' });
    warnings = (await stopped).warnings;
    console.log(`  app log lines at warn or above: ${warnings}`);
    await standIn.stop();
    ctx.close();
  }
}

function seed(ctx: ReturnType<typeof openAppContext>): void {
  const seedDir = join(projectRoot(), 'db', 'seed');
  for (const name of readdirSync(seedDir).filter((n) => !n.endsWith('.md') && n !== 'roster.yaml')) {
    const bytes = readFileSync(join(seedDir, name));
    importDocuments(ctx, [{ doc: sniffDocument(name, bytes), bytes }], { actor: 'bench' });
  }
  const roster = {
    kind: 'patchcall/roster',
    people: [...clickers, 'U0OWNER01'].map((id) => ({ id, name: id })),
    roles: { security: clickers, network: [], sysadmin: [], owner: ['U0OWNER01'], delegate: [] },
  };
  const ms08 = readFileSync(join(seedDir, 'ms08-067.bulletin.yaml'), 'utf8');
  const docs = [
    { name: 'bench-roster.json', text: JSON.stringify(roster) },
    ...bulletinIds.map((id) => ({
      name: `${id}.bulletin.yaml`,
      text: ms08.replace(/^id: MS08-067$/m, `id: ${id}`).replace(/^title: .*$/m, `title: Bench bulletin ${id}`),
    })),
  ];
  for (const doc of docs) {
    const bytes = Buffer.from(doc.text);
    importDocuments(ctx, [{ doc: sniffDocument(doc.name, bytes), bytes }], { actor: 'bench' });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function signedPost(url: string, body: string): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  });
}

function command(responseUrl: string, triggerId: string, desk: string, text: string): string {
  return new URLSearchParams({
    api_app_id: 'A0BENCH',
    team_id: TEAM,
    team_domain: 'bench',
    channel_id: desk,
    channel_name: 'patch-desk',
    user_id: clickers[0]!,
    user_name: 'opener',
    command: '/patch',
    text,
    response_url: responseUrl,
    trigger_id: triggerId,
    is_enterprise_install: 'false',
  }).toString();
}

function click(
  responseUrl: string,
  triggerId: string,
  decision: string,
  channel: string,
  ts: string,
  user: string,
  n: number,
): string {
  const payload = {
    type: 'block_actions',
    team: { id: TEAM, domain: 'bench' },
    user: { id: user, username: user, name: user, team_id: TEAM },
    api_app_id: 'A0BENCH',
    trigger_id: triggerId,
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'patch' },
    message: { type: 'message', ts, text: '' },
    response_url: responseUrl,
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: ActionIds.agree,
        block_id: 'decision_actions',
        value: decision,
        text: { type: 'plain_text', text: 'Agree' },
        action_ts: `${(Date.now() / 1000).toFixed(6)}.${n}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

(process.argv[2] === 'app' ? runApp() : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
