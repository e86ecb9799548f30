/**
 * Several real processes on one PostgreSQL: 1,000 appends at once from three replicas, and moving the demo's SQLite
 * log to PostgreSQL with `patchcall db copy`, then `audit verify`, `db check`, the reading commands and an import there.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migratePostgresDatabase, openPostgresLog } from '../../../src/app/postgres-store';
import { projectRoot } from '../../../src/common/project-root';
import { usePostgres } from '../../helpers/postgres';
import { patchcall, tempDbPath } from '../../helpers/run-patchcall';
import { startScript } from '../../helpers/spawn-patchcall';
import { expectShape } from '../../helpers/output-schemas';

const postgres = usePostgres();
const REPLICA = join(__dirname, '..', '..', 'helpers', 'pg-append-replica.ts');

test('1,000 concurrent appends from three processes give gapless seqs, a valid chain, and every follower sees them all in order', async () => {
  const url = await postgres.freshDatabase();
  await migratePostgresDatabase(url);
  const shares = [334, 333, 333];
  const replicas = shares.map((count, i) =>
    startScript(REPLICA, [url, `r${i}`, String(count), '1000'], { timeoutMs: 60_000 }),
  );
  await Promise.all(replicas.map((r) => r.waitFor(/ready/)));
  const go = new pg.Client({ connectionString: url });
  await go.connect();
  await go.query('NOTIFY go');
  await go.end();
  const results = await Promise.all(replicas.map((r) => r.done));
  for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
  const reports = results.map(
    (r) => JSON.parse(r.stdout.trim().split('\n').pop()!) as { seqs: number[]; followed: number; inOrder: boolean },
  );
  reports.forEach((report, i) => expect(report.seqs).toHaveLength(shares[i]!));
  const all = reports.flatMap((r) => r.seqs).sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  for (const report of reports) expect(report).toMatchObject({ followed: 1000, inOrder: true, last: 1000 });

  const store = await openPostgresLog(url);
  try {
    expect(await store.log.verify()).toMatchObject({ ok: true, count: 1000, headSeq: 1000 });
  } finally {
    await store.close();
  }
}, 60_000);

function seedFiles(): string[] {
  const dir = join(projectRoot(), 'db', 'seed');
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));
}

describe('moving the demo database to PostgreSQL', () => {
  test('db copy keeps every seq and hash, audit verify and db check pass there, a second copy is refused', async () => {
    const dbPath = tempDbPath();
    expect((await patchcall(['--db', dbPath, 'import', ...seedFiles()])).code).toBe(0);
    const sqlite = await patchcall(['--db', dbPath, '--json', 'audit', 'verify', '--quick']);
    expect(sqlite.code).toBe(0);
    const sqliteCheck = await patchcall(['--db', dbPath, '--json', 'db', 'check']);
    expect(expectShape(sqliteCheck.stdout, 'db-check.schema.json')).toMatchObject({
      store: 'sqlite',
      chain: sqlite.json() as object,
    });
    const { count, headSeq, headHash } = sqlite.json() as { count: number; headSeq: number; headHash: string };
    expect(count).toBeGreaterThan(0);

    const url = await postgres.freshDatabase();
    const copy = await patchcall(['--db', dbPath, '--json', 'db', 'copy', '--to', url]);
    expect(copy.code).toBe(0);
    expect(copy.json()).toMatchObject({ copied: count, headSeq, headHash, migrated: [1, 7, 11, 14] });

    const env = { PATCHCALL_DATABASE_URL: url };
    const verify = await patchcall(['audit', 'verify'], { env });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`^chain ok: ${count} events, head #${headSeq} ${headHash}\ntables ok: `));
    const check = await patchcall(['--json', 'db', 'check'], { env });
    expect(check.code).toBe(0);
    expect(expectShape(check.stdout, 'db-check.schema.json')).toMatchObject({
      store: 'postgres',
      schemaVersion: 14,
      knownVersion: 14,
      chain: { ok: true, headHash },
    });

    // event for event: the same rows, byte for byte
    const source = new Database(dbPath, { readonly: true });
    const sourceRows = source
      .prepare('SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events ORDER BY seq')
      .all();
    source.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const target = await client.query(
      'SELECT seq::int, at, actor, type, stream, payload, prev_hash, hash FROM events ORDER BY seq',
    );
    await client.end();
    expect(target.rows).toEqual(sourceRows);

    const again = await patchcall(['--db', dbPath, 'db', 'copy', '--to', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already holds ${count} events; db copy fills an empty log only`);

    // the commands that read answer on PostgreSQL (from a replica's copy caught up at open) as on the SQLite file
    for (const command of [
      ['bulletins'],
      ['bulletin', 'show', 'MS08-067'],
      ['assets', '--bulletin', 'MS08-067'],
      ['exposure', 'MS08-067'],
      ['assess', 'MS08-067', '--at', '2008-10-23T18:30:00Z'],
      ['decisions'],
    ]) {
      const onSqlite = await patchcall(['--db', dbPath, '--json', ...command]);
      const onPostgres = await patchcall(['--json', ...command], { env });
      expect({ command, code: onPostgres.code, stderr: onPostgres.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(onSqlite.code).toBe(0);
      expect(onPostgres.json()).toEqual(onSqlite.json());
    }
    // an import is written through PostgreSQL: the log there grows and its chain verifies
    const later = join(projectRoot(), 'db', 'seed-later', 'nmap-printsrv-2008-10-25.xml');
    const imported = await patchcall(['--json', 'import', later], { env });
    expect(imported.code).toBe(0);
    const grown = await patchcall(['--json', 'audit', 'verify'], { env });
    expect(grown.code).toBe(0);
    expect(grown.json()).toMatchObject({ ok: true, count: count + 1 });
    const notPostgres = await patchcall(['db', 'check'], { env: { PATCHCALL_DATABASE_URL: dbPath } });
    expect(notPostgres.stderr).toContain('PATCHCALL_DATABASE_URL must be a postgres:// or postgresql:// URL');
    const down = await patchcall(['db', 'check', '--url', 'postgres://nobody:s3cret@127.0.0.1:1/none']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot use the PostgreSQL database postgres://nobody:***@127.0.0.1:1/none');
    expect(down.stderr).not.toContain('s3cret');
  });

  test('a SQLite log whose chain is broken is not copied, and the target stays empty', async () => {
    const dbPath = tempDbPath();
    expect((await patchcall(['--db', dbPath, 'import', seedFiles()[0]!])).code).toBe(0);
    const db = new Database(dbPath);
    db.exec("DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory' WHERE seq = 1");
    db.close();
    const url = await postgres.freshDatabase();
    const copy = await patchcall(['--db', dbPath, 'db', 'copy', '--to', url]);
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain('is broken at event #1');
    expect(copy.stderr).toContain('nothing was copied');
    const check = await patchcall(['--json', 'db', 'check', '--url', url]);
    expect(check.json()).toMatchObject({ chain: { ok: true, count: 0 } });
  });
});
