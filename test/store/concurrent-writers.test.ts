/**
 * Writers in separate processes on one real SQLite file: each waits its turn instead of failing with
 * "database is locked", every event lands, and the chain verifies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../../src/app/app-context';
import { OutboxStore } from '../../src/store/outbox-store';
import { runPatchcall, startScript } from '../helpers/spawn-patchcall';

const SEED_BULLETIN = join(__dirname, '..', '..', 'db', 'seed', 'ms08-067.bulletin.yaml');
const APPENDER = join(__dirname, 'scripts', 'appender.ts');
const LOCK_HOLDER = join(__dirname, 'scripts', 'lock-holder.ts');
const OPEN_READER = join(__dirname, 'scripts', 'open-reader.ts');

function epssFile(dir: string, name: string, date: string, rows: number): string {
  const lines = [`#model_version:v2026.06.15,score_date:${date}T12:00:00Z`, 'cve,epss,percentile'];
  for (let i = 0; i < rows; i++) lines.push(`CVE-2020-${10000 + i},0.0${(i % 89) + 10},0.${(i % 899) + 100}`);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function seededDb(): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-writers-'));
  const db = join(dir, 'patchcall.db');
  const seeded = await runPatchcall(['--db', db, 'import', SEED_BULLETIN]);
  expect(seeded.code).toBe(0);
  return { dir, db };
}

async function verified(db: string): Promise<{ ok: boolean; count: number }> {
  const result = await runPatchcall(['--db', db, 'audit', 'verify', '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

// each test starts several processes: generous on a loaded machine
jest.setTimeout(120_000);

describe('concurrent writers wait their turn', () => {
  it('two big imports at once both succeed', async () => {
    const { dir, db } = await seededDb();
    const first = epssFile(dir, 'epss-a.csv', '2026-09-28', 30_000);
    const second = epssFile(dir, 'epss-b.csv', '2026-09-29', 30_000);
    const results = await Promise.all([
      runPatchcall(['--db', db, 'import', first]),
      runPatchcall(['--db', db, 'import', second]),
    ]);
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(await verified(db)).toMatchObject({ ok: true, count: 3 });
  });

  it('an import succeeds while another process appends every 20 ms, and every append lands', async () => {
    const { dir, db } = await seededDb();
    const stopFile = join(dir, 'stop');
    const appender = startScript(APPENDER, [db, '20', stopFile], { timeoutMs: 60_000 });
    await appender.waitFor(/started/);
    const imports = [
      await runPatchcall(['--db', db, 'import', epssFile(dir, 'epss-a.csv', '2026-09-28', 30_000)]),
      await runPatchcall(['--db', db, 'import', epssFile(dir, 'epss-b.csv', '2026-09-29', 30_000)]),
    ];
    writeFileSync(stopFile, '');
    const appended = await appender.done;
    for (const result of imports) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(appended.stderr).toBe('');
    expect(appended.code).toBe(0);
    const count = Number(/appended (\d+) failed 0/.exec(appended.stdout)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(await verified(db)).toMatchObject({ ok: true, count: 3 + count });
  });

  it('an import waits for a process that holds the write lock for 4 s', async () => {
    const { db } = await seededDb();
    const holder = startScript(LOCK_HOLDER, [db, '4000'], { timeoutMs: 30_000 });
    await holder.waitFor(/locked/);
    const imported = await runPatchcall([
      '--db',
      db,
      'import',
      join(__dirname, '..', '..', 'db', 'seed', 'roster.yaml'),
    ]);
    const held = await holder.done;
    expect(held.stdout).toMatch(/released/);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(await verified(db)).toMatchObject({ ok: true, count: 2 });
  });

  it("the outbox's own connection waits the configured busy timeout too (a lock held 6 s, longer than SQLite's old 5 s)", async () => {
    const { db } = await seededDb();
    const ctx = openAppContext({ dbPath: db, busyTimeoutMs: 30_000 });
    const store = new OutboxStore(ctx.db);
    try {
      const holder = startScript(LOCK_HOLDER, [db, '6000'], { timeoutMs: 60_000 });
      await holder.waitFor(/locked/);
      expect(store.lease('decision:MS08-067', 'worker-a', Date.now(), 30_000)).toBe(true);
      store.recordCardVersion('MS08-067', '1700000000.000100', 3, new Date());
      expect((await holder.done).stdout).toMatch(/released/);
      expect(store.lease('decision:MS08-067', 'worker-b', Date.now(), 30_000)).toBe(false);
      expect(store.sentCardVersion('MS08-067', '1700000000.000100')).toBe(3);
    } finally {
      store.close();
      ctx.close();
    }
  });

  it('gives up after PATCHCALL_BUSY_TIMEOUT_MS, naming the process that holds the write lock, and writes nothing', async () => {
    const { dir, db } = await seededDb();
    const stopFile = join(dir, 'release');
    // a process that only has the database open is not the one to blame
    const reader = startScript(OPEN_READER, [db, stopFile], { timeoutMs: 90_000 });
    await reader.waitFor(/open/);
    // held until the import has given up, however long the machine takes to start it
    const holder = startScript(LOCK_HOLDER, [db, '60000', stopFile], { timeoutMs: 90_000 });
    await holder.waitFor(/locked/);
    const imported = await runPatchcall(
      ['--db', db, 'import', join(__dirname, '..', '..', 'db', 'seed', 'roster.yaml')],
      {
        env: { PATCHCALL_BUSY_TIMEOUT_MS: '300' },
      },
    );
    writeFileSync(stopFile, '');
    await Promise.all([holder.done, reader.done]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`database ${db} stayed locked for writing`);
    expect(imported.stderr).toContain(`held by process ${holder.pid} (`);
    expect(imported.stderr).not.toContain(`${reader.pid} (`);
    expect(imported.stderr).toMatch(/nothing was written/);
    expect(await verified(db)).toMatchObject({ ok: true, count: 1 });
  });
});
