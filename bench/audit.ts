/**
 * `npm run bench:audit`: verify a chain of 1,000,000 events, compared in the same run with `sha256sum` over the
 * same bytes. Targets: verification <= 5 s (the export of a 10,000-event decision is measured by the export code).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalEventText, payloadDigest } from '../src/audit/hash-chain';
import { EventLog } from '../src/store/event-log';
import { openDatabase } from '../src/store/open-database';
import { median, ms, timeRuns } from './bench-stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = 3;

const dir = mkdtempSync(join(tmpdir(), 'patchcall-bench-audit-'));
const db = openDatabase(join(dir, 'bench.db'));
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

const verify = median(verifyTimes);
const sha = median(shaTimes);
process.stdout.write(
  [
    `verify ${verdictCount.toLocaleString('en')} events: median ${ms(verify)} of ${RUNS} runs (${verifyTimes.map(ms).join(', ')}); target <= 5000 ms`,
    `sha256sum of the same ${(bytes / 1024 / 1024).toFixed(0)} MiB: median ${ms(sha)} (${shaTimes.map(ms).join(', ')})`,
    `ratio verify / sha256sum: ${(verify / sha).toFixed(2)}`,
    '',
  ].join('\n'),
);
db.close();
rmSync(dir, { recursive: true, force: true });
