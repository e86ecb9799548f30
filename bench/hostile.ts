/**
 * `npm run bench:hostile`: every hostile input of bench/hostile-inputs.ts, built at the import size limit
 * (64 MiB) and imported by the real CLI in its own process, timed and measured (peak RSS via /usr/bin/time).
 * Prints each run, then the worst case per format. Target: no input makes the process use more than 1 GB or 30 s;
 * a run over 60 s is killed and counted as a failure. The 30 s are judged on the process's CPU time (user + system),
 * because on this shared 2-core machine the wall time says more about the neighbours; both are printed, with the load. HOSTILE_ONLY=<text> runs only the inputs whose name has it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_INPUTS } from './hostile-inputs';

const LIMIT_BYTES = 64 * 1024 * 1024;
const SIZES = (process.env.HOSTILE_SIZES_MB ?? '2,64')
  .split(',')
  .map((mb) => Math.min(Number(mb) * 1024 * 1024, LIMIT_BYTES - 4096));
const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');
const TIME = '/usr/bin/time';

interface Run {
  name: string;
  format: string;
  mb: number;
  seconds: number;
  cpuSeconds: number | undefined;
  peakMb: number | undefined;
  code: number | null;
  message: string;
}

function runOne(name: string, file: string, content: string): Omit<Run, 'name' | 'format' | 'mb'> {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-hostile-'));
  const path = join(dir, file);
  writeFileSync(path, content);
  const args = [CLI, '--db', join(dir, 'p.db'), 'import', path];
  const started = process.hrtime.bigint();
  const measured = existsSync(TIME);
  const result = spawnSync(
    measured ? TIME : process.execPath,
    measured ? ['-f', 'HOSTILE %M %U %S', process.execPath, ...args] : args,
    {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  const stderr = result.stderr ?? '';
  const peak = /HOSTILE (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  const message = stderr
    .replace(/HOSTILE [\d.]+ [\d.]+ [\d.]+\s*/, '')
    .replace(/Command exited with non-zero status \d+\s*/, '')
    .trim();
  return {
    seconds,
    cpuSeconds: peak ? Number(peak[2]) + Number(peak[3]) : undefined,
    peakMb: peak ? Number(peak[1]) / 1024 : undefined,
    code: result.status,
    message: result.error
      ? `killed: ${result.error.message}`
      : `${message.slice(0, 140)}${message.length > 140 ? ` … (${message.length} chars)` : ''}`,
  };
}

const cpu = (run: Run): number => run.cpuSeconds ?? run.seconds;
console.log(
  `load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} on ${cpus().length} cores`,
);
const runs: Run[] = [];
const only = process.env.HOSTILE_ONLY;
for (const input of HOSTILE_INPUTS.filter((candidate) => !only || candidate.name.includes(only))) {
  for (const bytes of SIZES) {
    const content = input.build(bytes);
    const mb = Buffer.byteLength(content) / 1024 / 1024;
    const run = { name: input.name, format: input.name.split(':')[0]!, mb, ...runOne(input.name, input.file, content) };
    runs.push(run);
    console.log(
      `${run.name.padEnd(28)} ${mb.toFixed(1).padStart(5)} MiB  ${cpu(run).toFixed(2).padStart(6)} s CPU ${run.seconds.toFixed(2).padStart(6)} s wall  ${run.peakMb === undefined ? '   ? ' : run.peakMb.toFixed(0).padStart(5)} MB peak  exit ${run.code}  ${run.message}`,
    );
  }
}

console.log('\nworst case per format (CPU time, peak RSS):');
let failed = false;
for (const format of [...new Set(runs.map((r) => r.format))]) {
  const mine = runs.filter((r) => r.format === format);
  const slowest = mine.reduce((a, b) => (cpu(b) > cpu(a) ? b : a));
  const largest = mine.reduce((a, b) => ((b.peakMb ?? 0) > (a.peakMb ?? 0) ? b : a));
  const over = cpu(slowest) > 30 || (largest.peakMb ?? 0) > 1024 || mine.some((r) => r.code !== 0 && r.code !== 2);
  failed ||= over;
  console.log(
    `  ${format.padEnd(9)} ${cpu(slowest).toFixed(2).padStart(6)} s (${slowest.name}, ${slowest.mb.toFixed(0)} MiB)   ${(largest.peakMb ?? NaN).toFixed(0).padStart(5)} MB (${largest.name}, ${largest.mb.toFixed(0)} MiB)${over ? '   OVER THE BOUND' : ''}`,
  );
}
console.log(failed ? '\nsome input exceeded 30 s or 1 GB, or crashed' : '\nevery input stayed within 30 s and 1 GB');
process.exitCode = failed ? 1 : 0;
