/**
 * Import benchmark: a 250,000-row EPSS file and the full KEV catalog through the real import path, against the
 * sqlite3 shell's own `.import` of the same CSV. Prints medians of a few runs. Run with `npm run bench:import`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../src/app/app-context';
import { importDocuments } from '../src/app/import-documents';
import { readDocumentFile } from '../src/app/read-document';
import { projectRoot } from '../src/common/project-root';

const ROWS = 250_000;
const RUNS = 5;

function epssFile(dir: string): string {
  const sample = readFileSync(join(projectRoot(), 'test/fixtures/epss/epss_scores-2026-09-29-sample.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const [comment, header, ...rows] = sample;
  const scores = rows.map((row) => row.slice(row.indexOf(',')));
  const lines = [comment!, header!];
  // synthetic ids, real score pairs: 100,000 five-digit ids per year from 2000 on
  for (let i = 0; i < ROWS; i++)
    lines.push(`CVE-${2000 + Math.floor(i / 100_000)}-${10_000 + (i % 100_000)}${scores[i % scores.length]}`);
  const path = join(dir, 'epss-250k.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function patchcallImport(dir: string, file: string, run: number): number {
  const ctx = openAppContext({ dbPath: join(dir, `patchcall-${run}.db`) });
  try {
    const start = process.hrtime.bigint();
    importDocuments(ctx, [readDocumentFile(file)], { actor: 'bench' });
    return Number(process.hrtime.bigint() - start) / 1e9;
  } finally {
    ctx.close();
  }
}

function sqliteImport(dir: string, file: string, run: number): number {
  const db = join(dir, `sqlite3-${run}.db`);
  const start = process.hrtime.bigint();
  execFileSync('sqlite3', [
    db,
    'CREATE TABLE epss (cve TEXT, epss REAL, percentile REAL);',
    `.import --csv --skip 2 ${file} epss`,
  ]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const count = execFileSync('sqlite3', [db, 'SELECT count(*) FROM epss;']).toString().trim();
  if (Number(count) !== ROWS) throw new Error(`sqlite3 imported ${count} rows, expected ${ROWS}`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function ensureSqlite3(): void {
  try {
    execFileSync('sqlite3', ['-version']);
  } catch {
    throw new Error('the sqlite3 shell is missing: apt-get update && apt-get install -y sqlite3');
  }
}

function main(): void {
  ensureSqlite3();
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-bench-'));
  try {
    const epss = epssFile(dir);
    const kev = join(projectRoot(), 'test/fixtures/kev/known_exploited_vulnerabilities.json');
    const ours: number[] = [];
    const theirs: number[] = [];
    const kevTimes: number[] = [];
    // alternate the two so that load from other processes falls on both alike
    for (let run = 0; run < RUNS; run++) {
      ours.push(patchcallImport(dir, epss, run));
      theirs.push(sqliteImport(dir, epss, run));
      kevTimes.push(patchcallImport(dir, kev, RUNS + run));
    }
    const p = median(ours);
    const s = median(theirs);
    const k = median(kevTimes);
    const kevEntries = (JSON.parse(readFileSync(kev, 'utf8')) as { vulnerabilities: unknown[] }).vulnerabilities.length;
    console.log(`EPSS ${ROWS} rows, median of ${RUNS} runs`);
    console.log(
      `  patchcall import  ${p.toFixed(3)} s  ${Math.round(ROWS / p)} rows/s   (runs: ${ours.map((t) => t.toFixed(3)).join(' ')})`,
    );
    console.log(
      `  sqlite3 .import   ${s.toFixed(3)} s  ${Math.round(ROWS / s)} rows/s   (runs: ${theirs.map((t) => t.toFixed(3)).join(' ')})`,
    );
    console.log(`  ratio patchcall/sqlite3  ${(p / s).toFixed(2)} (target <= 2.0)`);
    console.log(
      `KEV catalog ${kevEntries} entries: patchcall import ${k.toFixed(3)} s  ${Math.round(kevEntries / k)} entries/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
