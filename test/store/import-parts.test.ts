/**
 * A large inventory is written as several `source.imported` events (its parts) in one transaction. The real CLI in
 * its own process, on CMDB files generated here: the parts land together or not at all (a failure at the third
 * part, a kill -9 in the middle), the tables are what one event would give, and `audit rebuild` gives the same bytes.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ASSETS_PER_PART } from '../../src/app/import-parts';
import { runPatchcall, startScript, CLI_MAIN } from '../helpers/spawn-patchcall';

const SEED_CMDB = join(__dirname, '..', '..', 'db', 'seed', 'cmdb-servers.csv');
const HEADER =
  'sys_id,name,fqdn,ip_address,os,os_version,os_service_pack,classification,used_for,install_status,busines_criticality,support_group,managed_by,sys_class_name,u_patched_by,u_patch_sla_days,u_cluster,u_tags';

/** `rows` CMDB hosts with every column filled, as bench/hostile-inputs.ts builds them; `from` shifts the names. */
function cmdbFile(dir: string, name: string, rows: number, from = 0): string {
  const lines = [HEADER];
  for (let i = from; i < from + rows; i++)
    lines.push(
      `${String(i).padStart(32, '0')},host${i},host${i}.corp.example,10.${i >> 16}.${(i >> 8) & 255}.${i & 255},Windows Server 2003,Standard Edition,Service Pack 2,Production,Production,1,2 - somewhat critical,Web Operations,Web Operations,cmdb_ci_win_server,,,web,public-web;internet-facing`,
    );
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function query<T>(db: string, sql: string): T[] {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare(sql).all() as T[];
  } finally {
    handle.close();
  }
}

const inventoryTables = (db: string): string =>
  ['inventory_views', 'inventory_assets']
    .map((table) => JSON.stringify(query(db, `SELECT * FROM ${table} ORDER BY 1, 2`)))
    .join('\n');

const importEvents = (db: string) =>
  query<{ seq: number; stream: string; part: string | null }>(
    db,
    "SELECT seq, stream, json_extract(payload, '$.part') AS part FROM events WHERE type = 'source.imported' ORDER BY seq",
  );

async function seeded(): Promise<{ dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-parts-'));
  const db = join(dir, 'patchcall.db');
  // an older import naming hosts of the big file too, so the parts are merged with views that came before them
  const older = cmdbFile(dir, 'older.csv', 30, 2 * ASSETS_PER_PART - 10);
  expect((await runPatchcall(['--db', db, 'import', SEED_CMDB, older])).code).toBe(0);
  return { dir, db };
}

// each test starts real processes: generous on a loaded machine
jest.setTimeout(180_000);

describe('an inventory larger than one part', () => {
  it('is written as parts of one stream, read back as one import, and rebuilt to the same bytes', async () => {
    const { dir, db } = await seeded();
    const rows = 2 * ASSETS_PER_PART + 234;
    const result = await runPatchcall(['--db', db, 'import', cmdbFile(dir, 'big.csv', rows)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${rows} asset views`);

    const parts = importEvents(db).filter((e) => e.part !== null);
    expect(parts.map((e) => JSON.parse(e.part!))).toEqual([
      { index: 1, of: 3 },
      { index: 2, of: 3 },
      { index: 3, of: 3 },
    ]);
    expect(new Set(parts.map((e) => e.stream)).size).toBe(1);
    // the 30 older hosts overlapping the big file are merged into it, not counted twice
    const seedHosts = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM inventory_views WHERE event_seq = 1')[0]!.n;
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM inventory_assets')[0]!.n).toBe(seedHosts + rows);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM inventory_views')[0]!.n).toBe(seedHosts + 30 + rows);

    const eventCount = importEvents(db).length;
    const again = await runPatchcall(['--db', db, 'import', join(dir, 'big.csv')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already imported \(event \d+\), nothing new/);
    expect(importEvents(db)).toHaveLength(eventCount);

    const before = inventoryTables(db);
    expect((await runPatchcall(['--db', db, 'audit', 'verify'])).code).toBe(0);
    expect((await runPatchcall(['--db', db, 'audit', 'rebuild'])).code).toBe(0);
    expect(inventoryTables(db)).toBe(before);
  });

  it('stores none of its parts when the third one fails', async () => {
    const { dir, db } = await seeded();
    const eventsBefore = importEvents(db);
    const tablesBefore = inventoryTables(db);
    const handle = new Database(db);
    handle.exec(
      `CREATE TRIGGER fail_third_part BEFORE INSERT ON events WHEN json_extract(NEW.payload, '$.part.index') = 3
       BEGIN SELECT RAISE(ABORT, 'injected failure at the third part'); END`,
    );
    handle.close();

    const result = await runPatchcall(['--db', db, 'import', cmdbFile(dir, 'big.csv', 3 * ASSETS_PER_PART)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('injected failure at the third part');
    expect(importEvents(db)).toEqual(eventsBefore);
    expect(inventoryTables(db)).toBe(tablesBefore);
  });

  it('stores all of its parts or none when the process is killed in the middle', async () => {
    const { dir, db } = await seeded();
    const eventsBefore = importEvents(db);
    const tablesBefore = inventoryTables(db);
    const rows = 40 * ASSETS_PER_PART;
    const running = startScript(CLI_MAIN, ['--db', db, 'import', cmdbFile(dir, 'big.csv', rows)]);
    // the write-ahead log grows while the transaction spills its pages, before it commits
    const wal = `${db}-wal`;
    let exited = false;
    void running.done.then(() => (exited = true));
    while (!exited && !(existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024))
      await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(running.pid, 'SIGKILL');
    const result = await running.done;
    expect(result.signal).toBe('SIGKILL');

    expect((await runPatchcall(['--db', db, 'audit', 'verify'])).code).toBe(0);
    const added = importEvents(db).slice(eventsBefore.length);
    // killed before the commit (the usual case) nothing is there; killed after it, every part is
    if (added.length === 0) expect(inventoryTables(db)).toBe(tablesBefore);
    else expect(added.map((e) => JSON.parse(e.part!).index)).toEqual([...Array(40).keys()].map((i) => i + 1));
  });
});
