/**
 * The CLI reads PATCHCALL_CLOCK with the app's rules, through the CLI's own process: refused unless a rehearsal,
 * and every event written under it marked `rehearsal: true` (inside the hashed payload).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runPatchcall } from '../helpers/spawn-patchcall';
import { tempDbPath } from '../helpers/run-patchcall';

const bulletin = join(__dirname, '../../db/seed/ms08-067.bulletin.yaml');
const CLOCK = '2008-10-23T18:30:00Z@1';

function eventsIn(db: string): { at: string; payload: Record<string, unknown> }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite
      .prepare('SELECT at, payload FROM events ORDER BY seq')
      .all()
      .map((row) => {
        const { at, payload } = row as { at: string; payload: string };
        return { at, payload: JSON.parse(payload) as Record<string, unknown> };
      });
  } finally {
    sqlite.close();
  }
}

describe('patchcall under PATCHCALL_CLOCK', () => {
  it('refuses a simulated clock that is not a rehearsal, and writes nothing', async () => {
    const db = tempDbPath();
    const result = await runPatchcall(['--db', db, 'import', bulletin], { env: { PATCHCALL_CLOCK: CLOCK } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PATCHCALL_CLOCK is set.*PATCHCALL_REHEARSAL=1/);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses PATCHCALL_REHEARSAL other than 1', async () => {
    const result = await runPatchcall(['--db', tempDbPath(), 'bulletins'], {
      env: { PATCHCALL_CLOCK: CLOCK, PATCHCALL_REHEARSAL: 'yes' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PATCHCALL_REHEARSAL must be 1 (or unset), not "yes"');
  });

  it('in a rehearsal, runs on the simulated clock and marks every event it writes', async () => {
    const db = tempDbPath();
    const env = { PATCHCALL_CLOCK: CLOCK, PATCHCALL_REHEARSAL: '1' };
    const imported = await runPatchcall(['--db', db, 'import', bulletin], { env });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const events = eventsIn(db);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.payload.rehearsal).toBe(true);
      // the simulated day, not today (the clock runs at real speed from its start)
      expect(event.at.slice(0, 10)).toBe('2008-10-23');
    }
    // without the variables, the same CLI writes on the real clock and marks nothing
    const plain = tempDbPath();
    expect((await runPatchcall(['--db', plain, 'import', bulletin])).code).toBe(0);
    for (const event of eventsIn(plain)) {
      expect(event.payload.rehearsal).toBeUndefined();
      expect(event.at.slice(0, 4)).not.toBe('2008');
    }
    const verified = await runPatchcall(['--db', db, 'audit', 'verify', '--json'], { env });
    expect(verified.code).toBe(0);
  });
});
