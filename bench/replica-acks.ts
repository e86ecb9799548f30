/**
 * Part of `npm run bench:replicas`: click acks on three replicas sharing one PostgreSQL against one process on
 * SQLite, in the same run, and the time a survivor takes to finish a killed replica's leased card update.
 *
 * The real app (dist/src/slack/main.js) in its own processes over HTTP, as behind a load balancer; this process plays
 * Slack (signed POSTs, spread round-robin over the replicas) and runs the Web API stand-in, for both stores alike.
 * Every click is an Agree by a sysadmin who has not spoken yet, so each one appends a position before its ack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openAppContext } from '../src/app/app-context';
import { importDocuments } from '../src/app/import-documents';
import { copySqliteLogToPostgres, openPostgresLog } from '../src/app/postgres-store';
import { sniffDocument } from '../src/app/read-document';
import { readRoster } from '../src/app/roles-roster';
import { projectRoot } from '../src/common/project-root';
import { ActionIds } from '../src/slack/action-ids';
import { blocksToText } from '../src/slack/blocks/blocks-to-text';
import { startLocalSlackStandIn, type LocalSlackStandIn } from '../dev/local-slack-stand-in';
import { median } from './bench-stats';

const SECRET = 'bench-signing-secret';
const IN_FLIGHT = 50;
const CLICKS = 300;
const WARMUP = 100;
const ROUNDS = 2;
const LEASE_MS = 2_000;
const DECISION = 'MS08-067';
const TEAM = 'T0BENCH';
const MAIN = join(projectRoot(), 'dist', 'src', 'slack', 'main.js');

interface Deployment {
  name: string;
  urls: string[];
  apps: { child: ChildProcess; port: number }[];
  card: { ts: string; channel: string; channelName: string };
  clicked: number;
}

export async function benchReplicaAcks(createDatabase: (name: string) => Promise<string>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-bench-replica-acks-'));
  const seeded = seedDatabase(join(dir, 'seed.db'));
  const ctx = openAppContext({ dbPath: seeded });
  const roster = readRoster(ctx);
  ctx.close();
  const clickers = Array.from(
    { length: ROUNDS * (WARMUP + CLICKS) + 10 },
    (_, i) => `U0CLICK${String(i).padStart(4, '0')}`,
  );
  const standIn = await startLocalSlackStandIn({ teamId: TEAM });
  for (const [id, name] of Object.entries(roster.names)) standIn.addUser({ id, name });
  for (const id of clickers) standIn.addUser({ id, name: id.toLowerCase() });
  const sysadmins = roster.roles.sysadmin.groups[0]!;
  for (const [id, group] of Object.entries(roster.groups))
    standIn.addUsergroup({
      id,
      handle: group.handle,
      name: group.name,
      users: id === sysadmins ? [...group.members, ...clickers] : group.members,
    });
  const desk = standIn.addChannel({ name: 'patch-desk', members: [...Object.keys(roster.names), standIn.botUserId] });
  const opener = roster.roles.security.users[0]!;
  const all: ChildProcess[] = [];
  try {
    const sqlitePath = join(dir, 'single.db');
    copyFileSync(seeded, sqlitePath);
    const url = await createDatabase('bench_acks');
    await copySqliteLogToPostgres(seeded, url);

    const single = await deploy('SQLite, 1 process', 1, { PATCHCALL_DB: sqlitePath }, standIn, all);
    const replicas = await deploy(
      'PostgreSQL, 3 replicas',
      3,
      { PATCHCALL_DB: join(dir, 'replicas.db'), PATCHCALL_DATABASE_URL: url },
      standIn,
      all,
    );
    for (const deployment of [single, replicas])
      deployment.card = await open(
        deployment,
        standIn,
        desk,
        opener,
        deployment === single ? sqliteCard(sqlitePath) : pgCard(url),
      );

    console.log(
      `\nclick acks: ${CLICKS} Agree clicks per round, ${IN_FLIGHT} in flight, after ${WARMUP} warm-up clicks; ${ROUNDS} rounds alternating; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const times = new Map<Deployment, number[]>();
    const roundP99 = new Map<Deployment, number[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (const deployment of [single, replicas]) {
        await fire(deployment, standIn, clickers, WARMUP);
        const measured = await fire(deployment, standIn, clickers, CLICKS);
        times.set(deployment, [...(times.get(deployment) ?? []), ...measured]);
        roundP99.set(deployment, [...(roundP99.get(deployment) ?? []), percentile(measured, 99)]);
        await quiet(standIn);
      }
    for (const deployment of [single, replicas]) {
      const t = times.get(deployment)!;
      console.log(
        `${deployment.name.padEnd(26)} ack p50 ${percentile(t, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(t, 99).toFixed(1).padStart(6)} ms  (p99 per round: ${roundP99
          .get(deployment)!
          .map((v) => v.toFixed(0))
          .join(', ')} ms)`,
      );
    }
    const ratio = percentile(times.get(replicas)!, 99) / percentile(times.get(single)!, 99);
    console.log(
      `ack p99 ratio 3 replicas / 1 SQLite process = ${ratio.toFixed(2)} (target ≤ 1.50) ${ratio <= 1.5 ? 'OK' : 'OVER'}`,
    );
    const recorded = await positionsIn(url);
    console.log(`positions in PostgreSQL's log: ${recorded} (every measured and warm-up click appended one)`);

    await takeover(replicas, url, standIn, clickers.slice(-2));
  } finally {
    for (const child of all) child.kill('SIGKILL');
    await standIn.stop();
  }
}

/** Kills the replica driving the card while Slack hangs on its update; times until a survivor has updated it. */
async function takeover(
  deployment: Deployment,
  url: string,
  standIn: LocalSlackStandIn,
  spare: string[],
): Promise<void> {
  const samples: number[] = [];
  const runs = Math.min(2, deployment.apps.length - 1);
  for (let run = 0; run < runs; run++) {
    const who = spare[run]!;
    standIn.failNext('chat.update', { kind: 'hang' });
    await click(deployment, who, 0);
    const holder = await until(async () => {
      const store = await openPostgresLog(url, { poolSize: 1 });
      try {
        return await store.leases.holderOf(`decision:${DECISION}`);
      } finally {
        await store.close();
      }
    }, 10_000);
    const victim = deployment.apps.find((app) => holder.startsWith(`${app.child.pid}:`))!;
    victim.child.kill('SIGKILL');
    const killed = performance.now();
    standIn.clearFaults('chat.update');
    deployment.apps = deployment.apps.filter((app) => app !== victim);
    deployment.urls = deployment.apps.map((app) => `http://127.0.0.1:${app.port}/slack/events`);
    await until(async () => (cardText(standIn, deployment.card).includes(who) ? true : undefined), 60_000);
    samples.push(performance.now() - killed);
  }
  console.log(
    `takeover: a survivor finished the killed replica's card update ${(median(samples) / 1000).toFixed(1)} s after the kill ` +
      `(runs: ${samples.map((s) => (s / 1000).toFixed(1)).join(', ')} s; lease ${LEASE_MS / 1000} s, then the next sweep, every 5 s)`,
  );
}

async function deploy(
  name: string,
  count: number,
  env: Record<string, string>,
  standIn: LocalSlackStandIn,
  all: ChildProcess[],
): Promise<Deployment> {
  const apps = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: standIn.botToken,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: standIn.apiUrl,
        PORT: String(port),
        PATCHCALL_OUTBOX_LEASE_MS: String(LEASE_MS),
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    all.push(child);
    await until(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    }, 60_000);
    apps.push({ child, port });
  }
  return {
    name,
    apps,
    urls: apps.map((app) => `http://127.0.0.1:${app.port}/slack/events`),
    card: { ts: '', channel: '', channelName: '' },
    clicked: 0,
  };
}

async function open(
  deployment: Deployment,
  standIn: LocalSlackStandIn,
  desk: string,
  opener: string,
  cardOf: () => Promise<Deployment['card'] | undefined>,
): Promise<Deployment['card']> {
  const form = new URLSearchParams({
    api_app_id: 'A0BENCH',
    team_id: TEAM,
    team_domain: 'bench',
    channel_id: desk,
    channel_name: 'patch-desk',
    user_id: opener,
    user_name: opener,
    command: '/patch',
    text: `open ${DECISION}`,
    response_url: `${standIn.origin}/response/open-${randomBytes(4).toString('hex')}`,
    trigger_id: `${Date.now()}.1.${randomBytes(8).toString('hex')}`,
    is_enterprise_install: 'false',
  }).toString();
  const res = await signedPost(deployment.urls[0]!, form);
  if (res.status !== 200) throw new Error(`${deployment.name}: /patch open answered HTTP ${res.status}`);
  return until(cardOf, 30_000);
}

function sqliteCard(dbPath: string): () => Promise<Deployment['card'] | undefined> {
  return async () => {
    const ctx = openAppContext({ dbPath });
    try {
      const event = ctx.events.first<{ channel: string; ts: string }>({
        stream: `decision:${DECISION}`,
        type: 'decision.card-posted',
      });
      return event && { ts: event.payload.ts, channel: event.payload.channel, channelName: '' };
    } finally {
      ctx.close();
    }
  };
}

function pgCard(url: string): () => Promise<Deployment['card'] | undefined> {
  return async () => {
    const store = await openPostgresLog(url, { poolSize: 1 });
    try {
      for await (const event of store.log.read<{ channel: string; ts: string }>({
        stream: `decision:${DECISION}`,
        type: 'decision.card-posted',
      }))
        return { ts: event.payload.ts, channel: event.payload.channel, channelName: '' };
      return undefined;
    } finally {
      await store.close();
    }
  };
}

async function positionsIn(url: string): Promise<number> {
  const store = await openPostgresLog(url, { poolSize: 1 });
  try {
    let count = 0;
    for await (const _event of store.log.read({ stream: `decision:${DECISION}`, type: 'decision.position-recorded' }))
      count++;
    return count;
  } finally {
    await store.close();
  }
}

/** `count` clicks by people who have not spoken, IN_FLIGHT at a time, round-robin over the deployment's apps. */
async function fire(
  deployment: Deployment,
  standIn: LocalSlackStandIn,
  clickers: string[],
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      const i = sent++;
      const user = clickers[deployment.clicked++]!;
      const started = performance.now();
      const res = await click(deployment, user, i, standIn);
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`${deployment.name} answered HTTP ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return times;
}

let counter = 0;

function click(deployment: Deployment, user: string, i: number, standIn?: LocalSlackStandIn): Promise<Response> {
  const { card } = deployment;
  const payload = {
    type: 'block_actions',
    team: { id: TEAM, domain: 'bench' },
    user: { id: user, username: user, name: user, team_id: TEAM },
    api_app_id: 'A0BENCH',
    trigger_id: `${Date.now()}.${++counter}.${randomBytes(8).toString('hex')}`,
    container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
    channel: { id: card.channel, name: card.channelName },
    message: { type: 'message', ts: card.ts, text: '' },
    response_url: `${standIn?.origin ?? 'http://127.0.0.1:9'}/response/bench-${++counter}`,
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: ActionIds.agree,
        block_id: 'decision_actions',
        value: DECISION,
        text: { type: 'plain_text', text: 'Agree' },
        action_ts: `${(Date.now() / 1000).toFixed(6)}${++counter}`,
      },
    ],
  };
  const url = deployment.urls[i % deployment.urls.length]!;
  return signedPost(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
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

function cardText(standIn: LocalSlackStandIn, card: Deployment['card']): string {
  const message = standIn.channel(card.channel)?.messages.find((m) => m.ts === card.ts);
  return message?.blocks ? blocksToText(message.blocks) : '';
}

/** Waits until the stand-in has had no new call for a while: the apps' post-ack work has drained. */
async function quiet(standIn: LocalSlackStandIn): Promise<void> {
  let last = -1;
  for (;;) {
    const seen = standIn.calls().length + standIn.responses().length;
    if (seen === last) return;
    last = seen;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function seedDatabase(dbPath: string): string {
  const ctx = openAppContext({ dbPath });
  const seedDir = join(projectRoot(), 'db', 'seed');
  try {
    for (const name of readdirSync(seedDir)
      .filter((n) => !n.endsWith('.md'))
      .sort()) {
      const bytes = readFileSync(join(seedDir, name));
      importDocuments(ctx, [{ doc: sniffDocument(name, bytes), bytes }], { actor: 'bench' });
    }
  } finally {
    ctx.close();
  }
  return dbPath;
}
