/**
 * The hostile inputs of issue 15, generated at test time (bench/hostile-inputs.ts) at the sizes that took the
 * process down, imported by the real CLI in its own process: each is refused with exit 2 and one short line, and
 * nothing is stored. `npm run bench:hostile` runs the same inputs at the 64 MiB limit and measures them.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_INPUTS } from '../../bench/hostile-inputs';
import Database from 'better-sqlite3';
import { runPatchcall } from '../helpers/spawn-patchcall';

function storedEvents(db: string): number {
  if (!existsSync(db)) return 0;
  const handle = new Database(db, { readonly: true });
  try {
    return (handle.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    handle.close();
  }
}

const REPRODUCERS: [string, number, RegExp][] = [
  ['yaml: a million commas', 2_000_000, /more than 200,000 lines of YAML/],
  ['yaml: alias bomb', 0, /Excessive alias count/],
  ['nft json: deep value', 10_000, /\(line 1, column \d+\): invalid JSON: nested more than 100 levels deep/],
  [
    'nft json: huge port string',
    1_000_000,
    /at \/nftables\/3\/rule\/expr\/0\/match\/right\): "9{40,80}… \(1000002 characters\)/,
  ],
  ['json: deep arrays', 10_000, /nested more than 100 levels deep/],
  ['xml: deep elements', 30_000, /XML elements nested more than 100 levels deep/],
  ['csv: huge field', 2_000_000, /Max Record Size/],
];

// each test starts real processes: generous on a loaded machine
jest.setTimeout(120_000);

describe('hostile inputs are refused cleanly by `patchcall import`', () => {
  it.each(REPRODUCERS)('%s', async (name, bytes, message) => {
    const input = HOSTILE_INPUTS.find((candidate) => candidate.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-hostile-'));
    const file = join(dir, input.file);
    writeFileSync(file, input.build(bytes));
    const db = join(dir, 'p.db');
    const result = await runPatchcall(['--db', db, 'import', file], { timeoutMs: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error|Maximum call stack/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.length).toBeLessThan(600);
    expect(storedEvents(db)).toBe(0);
  });
});
