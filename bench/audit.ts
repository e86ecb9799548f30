/**
 * `npm run bench:audit`: verify a chain of 1,000,000 events in one walk and in worker threads joined at their
 * links, compared in the same run with `sha256sum` over the same bytes; export one decision of 10,000 events and
 * verify that record in full (chain links, every section derived again, the Ed25519 signature).
 * Targets: verification <= 5 s (comfortably), export <= 2 s, full record verification <= 1 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalEventText, payloadDigest } from '../src/audit/hash-chain';
import { EventLog } from '../src/store/event-log';
import { openAppContext } from '../src/app/app-context';
import { buildDecisionRecord } from '../src/app/export-decision';
import { renderRecord } from '../src/audit/render-record';
import { DecisionEvents, decisionStream } from '../src/decisions/decision-model';
import { openDatabase } from '../src/store/open-database';
import { median, ms, timeRuns } from './bench-stats';
import { performance } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { verifyLogInParallel } from '../src/store/verify-log-parallel';
import { verifyExportedRecord } from '../src/audit/verify-exported-record';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = 3;

async function timeRunsAsync(runs: number, fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-bench-audit-'));
  const benchDb = join(dir, 'bench.db');
  const db = openDatabase(benchDb);
  let tick = Date.parse('2008-10-23T17:00:00Z');
  const log = new EventLog(db, () => new Date((tick += 7)));

  process.stdout.write(`building a chain of ${EVENTS.toLocaleString('en')} events…\n`);
  db.transaction(() => {
    for (let i = 0; i < EVENTS; i++) {
      log.append({
        type: i % 10 === 0 ? 'decision.position-recorded' : 'source.imported',
        stream: `decision:${i % 97}`,
        actor: `U${(i % 500).toString().padStart(8, '0')}`,
        payload: { stance: i % 3 ? 'agree' : 'alternative', comment: `position ${i} on MS08-067`, role: 'sysadmin' },
      });
    }
  })();

  // the bytes verification hashes: every payload, and every previous hash + canonical header
  const bytesFile = join(dir, 'chain.bytes');
  const fd = openSync(bytesFile, 'w');
  let bytes = 0;
  for (const event of log.chain()) {
    const { payloadJson, prevHash, hash: _hash, ...rest } = event;
    const chunk = payloadJson + prevHash + canonicalEventText({ ...rest, payloadSha256: payloadDigest(payloadJson) });
    bytes += Buffer.byteLength(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);

  let verdictCount = 0;
  const verifyTimes = timeRuns(RUNS, () => {
    const verdict = log.verify();
    if (!verdict.ok) throw new Error(`chain broken: ${verdict.problem}`);
    verdictCount = verdict.count;
  });
  const shaTimes = timeRuns(RUNS, () => execFileSync('sha256sum', [bytesFile]));
  const workers = availableParallelism();
  const parallelTimes = await timeRunsAsync(RUNS, async () => {
    const verdict = await verifyLogInParallel(benchDb, workers);
    if (!verdict.ok || verdict.count !== verdictCount) throw new Error('parallel verification disagrees');
  });

  const verify = median(verifyTimes);
  const sha = median(shaTimes);
  const parallel = median(parallelTimes);
  process.stdout.write(
    [
      `verify ${verdictCount.toLocaleString('en')} events in one walk: median ${ms(verify)} of ${RUNS} runs (${verifyTimes.map(ms).join(', ')}); target <= 5000 ms`,
      `verify them in ${workers} worker threads joined at their links: median ${ms(parallel)} (${parallelTimes.map(ms).join(', ')}); ratio to one walk ${(parallel / verify).toFixed(2)}`,
      `sha256sum of the same ${(bytes / 1024 / 1024).toFixed(0)} MiB: median ${ms(sha)} (${shaTimes.map(ms).join(', ')})`,
      `ratio verify / sha256sum: ${(verify / sha).toFixed(2)}`,
      '',
    ].join('\n'),
  );
  db.close();

  // one decision with 10,000 events (a convene and 9,999 positions), among other decisions' events
  const DECISION_EVENTS = 10_000;
  const exportDb = join(dir, 'export.db');
  const ctx = openAppContext({ dbPath: exportDb });
  const stream = decisionStream('ms08-067');
  const snapshot = {
    bulletinSourceSeqs: [],
    inventoryHash: '',
    exposureInputsHash: '',
    rulebookHash: '',
    logHeadSeq: 0,
  };
  const empty = { users: [], groups: [] };
  ctx.db.transaction(() => {
    ctx.events.append({
      type: DecisionEvents.convened,
      stream,
      actor: 'U0SEC',
      payload: {
        decisionId: 'ms08-067',
        bulletinId: 'MS08-067',
        channel: { id: 'C1', name: 'patch-ms08-067' },
        bulletin: {
          id: 'MS08-067',
          title: 'Server service',
          cycle: { status: 'out-of-cycle', reason: '' },
          cves: [],
          fixIds: [],
          exploitation: 'active',
        },
        assets: [],
        exposures: [],
        members: { security: [], network: [], sysadmin: [], owner: [], delegate: [] },
        roles: { security: empty, network: empty, sysadmin: empty, owner: empty, delegate: empty },
        snapshot,
        trigger: 'command',
      },
    });
    for (let i = 1; i < DECISION_EVENTS; i++) {
      ctx.events.append({
        type: DecisionEvents.positionRecorded,
        stream,
        actor: `U${i % 50}`,
        payload: { userId: `U${i % 50}`, roles: ['sysadmin'], stance: 'agree', comment: `click ${i}`, key: `k${i}` },
      });
      if (i % 3 === 0)
        ctx.events.append({ type: 'other.happened', stream: 'decision:other', actor: 'U9', payload: { i } });
    }
  })();
  let recordBytes = 0;
  const exportTimes = timeRuns(RUNS, () => {
    recordBytes = renderRecord(buildDecisionRecord(ctx, 'ms08-067', { exportedBy: 'bench' }), 'json').length;
  });
  process.stdout.write(
    `export a decision of ${DECISION_EVENTS.toLocaleString('en')} events as JSON (${(recordBytes / 1024 / 1024).toFixed(1)} MiB): median ${ms(median(exportTimes))} (${exportTimes.map(ms).join(', ')}); target <= 2000 ms\n`,
  );
  const recordText = renderRecord(buildDecisionRecord(ctx, 'ms08-067', { exportedBy: 'bench' }), 'json');
  const trusted = { keys: new Map([[ctx.signingKey.publicKey, 'bench']]) };
  const fullTimes = timeRuns(RUNS, () => {
    const verdict = verifyExportedRecord(JSON.parse(recordText), 'bench.json', trusted);
    if (!verdict.ok) throw new Error(`record does not verify: ${verdict.problem}`);
  });
  process.stdout.write(
    `verify that record in full (parse, chain links, sections derived again, signature): median ${ms(median(fullTimes))} (${fullTimes.map(ms).join(', ')}); target <= 1000 ms\n`,
  );
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
