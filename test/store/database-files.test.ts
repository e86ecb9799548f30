/**
 * The --db path, the file behind it and the tables in it, as a user meets them: the real CLI in its own process
 * on real files. Impossible paths answer at once, nothing foreign is written to, read commands create nothing,
 * a full disk says so, tampered lookup tables are caught, and anchors must prove something.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { anchorText } from '../../src/audit/anchors';
import { runPatchcall, CLI_MAIN, REGISTER } from '../helpers/spawn-patchcall';
import { spawn } from 'node:child_process';

const SEED = join(__dirname, '..', '..', 'db', 'seed');
const SEED_FILES = [
  'ms08-067.bulletin.yaml',
  'cmdb-servers.csv',
  'nmap-scan.xml',
  'network.yaml',
  'edge.iptables-save',
  'core.nft.json',
].map((file) => join(SEED, file));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchcall-files-'));
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every lookup table's rows, as stored, for byte-for-byte comparison. */
function dumpTables(db: string): string {
  const handle = new Database(db, { readonly: true });
  try {
    const tables = handle
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('events', 'schema_migrations') ORDER BY name",
      )
      .all() as { name: string }[];
    return tables
      .map(
        ({ name }) => `${name}\n${JSON.stringify(handle.prepare(`SELECT * FROM ${name} ORDER BY 1, 2`).raw().all())}`,
      )
      .join('\n');
  } finally {
    handle.close();
  }
}

// each test starts real processes: generous on a loaded machine
jest.setTimeout(120_000);

describe('--db paths that cannot work answer at once with exit 2', () => {
  it.each([
    ['/proc/nonexist/x.db', /database \/proc\/nonexist\/x\.db: cannot create the folder \/proc\/nonexist/],
    ['/etc/passwd/x.db', /database \/etc\/passwd\/x\.db: cannot exist: \/etc\/passwd is a file, not a folder/],
  ])('%s', async (path, message) => {
    const result = await runPatchcall(['--db', path, 'import', SEED_FILES[0]!], { timeoutMs: 20_000 });
    expect(result.signal).toBeNull(); // not killed by the timeout: it did not hang
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error|EEXIST/);
  });

  it('read-only commands refuse a database that does not exist, and create nothing', async () => {
    const dir = join(tempDir(), 'typo');
    const db = join(dir, 'x.db');
    for (const command of [['bulletins'], ['exposure', 'MS08-067'], ['audit', 'verify']]) {
      const result = await runPatchcall(['--db', db, ...command]);
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      expect(result.stderr).toContain(
        `database ${db}: there is no database there. \`patchcall import <file>\` creates one`,
      );
    }
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a --db file that is not a patchcall database is refused before anything is written to it', () => {
  it('another application’s SQLite database', async () => {
    const db = join(tempDir(), 'notes.db');
    const foreign = new Database(db);
    foreign.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')");
    foreign.close();
    const before = sha256(db);
    const result = await runPatchcall(['--db', db, 'import', SEED_FILES[0]!]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /is a SQLite database of another application \(tables: notes\).*nothing was written to it/,
    );
    expect(sha256(db)).toBe(before);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('a file that is not SQLite at all', async () => {
    const db = join(tempDir(), 'readme.db');
    writeFileSync(db, 'just some notes\n');
    const result = await runPatchcall(['--db', db, 'import', SEED_FILES[0]!]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a SQLite database/);
    expect(readFileSync(db, 'utf8')).toBe('just some notes\n');
  });
});

describe('input files', () => {
  it.each([
    [
      'utf16le',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(SEED_FILES[0]!, 'utf8'), 'utf16le')]),
    ],
    [
      'utf16be',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(readFileSync(SEED_FILES[0]!, 'utf8'), 'utf16le').swap16()]),
    ],
  ])('decodes %s with a byte-order mark', async (name, bytes) => {
    const dir = tempDir();
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, bytes);
    const db = join(dir, 'p.db');
    const result = await runPatchcall(['--db', db, 'import', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/bulletin, advisory MS08-067/);
  });

  it.each([
    ['[1,,2]', /bad\.json \(line 1, column 4\): invalid JSON: expected a value, found ','$/],
    ['{"a":tru}', /bad\.json \(line 1, column 6\): invalid JSON: expected a value, found 't'$/],
    ['{\n  "a": 1,\n  "b": [1, 2\n', /bad\.json \(line 4, column 1\): invalid JSON: the document ends early/],
  ])('JSON syntax error %j names line and column on one line', async (text, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), text);
    const result = await runPatchcall(['--db', join(dir, 'p.db'), 'import', join(dir, 'bad.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});

describe('a write the file system refuses', () => {
  it('names the database, the size of the write, and says nothing was written', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPatchcall(['--db', db, 'import', SEED_FILES[0]!])).code).toBe(0);
    const lines = ['#model_version:v1,score_date:2026-09-29T12:00:00Z', 'cve,epss,percentile'];
    for (let i = 0; i < 30_000; i++) lines.push(`CVE-2020-${10000 + i},0.01,0.5`);
    writeFileSync(join(dir, 'epss.csv'), lines.join('\n') + '\n');
    // a file size limit (ulimit -f, in KiB) makes the database's writes fail as a full disk does
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          `ulimit -f 300; trap '' XFSZ; exec "$0" -r "$1" "$2" --db "$3" import "$4"`,
          process.execPath,
          REGISTER,
          CLI_MAIN,
          db,
          join(dir, 'epss.csv'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write to the database ${db}`);
    expect(result.stderr).toMatch(/this write needs about 0\.7 MiB\. Nothing was written/);
    const verify = await runPatchcall(['--db', db, 'audit', 'verify', '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, count: 1, tables: { ok: true } });
  });
});

describe('lookup tables and anchors', () => {
  it('a row deleted from a lookup table is reported by audit verify and refused by the app; rebuild restores the same bytes', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPatchcall(['--db', db, 'import', ...SEED_FILES])).code).toBe(0);
    const original = dumpTables(db);

    const tamper = new Database(db);
    tamper.exec("DELETE FROM inventory_assets WHERE name LIKE 'web01%'");
    tamper.close();

    const verify = await runPatchcall(['--db', db, 'audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/tables DIFFER from the log/);
    expect(verify.stdout).toMatch(
      /inventory_assets: 8 rows in the database, 9 derived from the log; 1 missing \(id=\S+ name=web01\)/,
    );
    expect((await runPatchcall(['--db', db, 'audit', 'verify', '--quick'])).code).toBe(0);

    const exposure = await runPatchcall(['--db', db, 'exposure', 'MS08-067']);
    expect(exposure.code).toBe(1);
    expect(exposure.stdout).toBe('');
    expect(exposure.stderr).toMatch(
      /inventory_assets: it has 8 rows, but 9 were recorded.*Run `patchcall audit rebuild`/,
    );

    expect((await runPatchcall(['--db', db, 'audit', 'rebuild'])).code).toBe(0);
    expect(dumpTables(db)).toBe(original);
    expect((await runPatchcall(['--db', db, 'audit', 'verify'])).stdout).toMatch(
      /tables ok: 9 lookup tables match the log/,
    );
  });

  it('a changed row with the digest table changed to match is still found by the full verify', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPatchcall(['--db', db, 'import', ...SEED_FILES])).code).toBe(0);
    const tamper = new Database(db);
    tamper.exec(
      "UPDATE exposure_filters SET filter = replace(filter, 'drop', 'accept'); DELETE FROM projection_digests",
    );
    tamper.close();
    const verify = await runPatchcall(['--db', db, 'audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/exposure_filters: 2 rows in the database, 2 derived from the log; 2 changed/);
    expect(verify.stdout).toMatch(/advisory_records: no digest is recorded/);
  });

  it('anchors: none in the file, or another chain’s, fail; unwitnessed events are named', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPatchcall(['--db', db, 'import', ...SEED_FILES])).code).toBe(0);
    const verify = JSON.parse((await runPatchcall(['--db', db, 'audit', 'verify', '--json'])).stdout);

    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{"messages":[]}');
    const none = await runPatchcall(['--db', db, 'audit', 'verify', '--anchors', empty]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/anchors MISMATCH: the file holds no patchcall anchors/);
    const notAnExport = await runPatchcall([
      '--db',
      db,
      'audit',
      'verify',
      '--anchors',
      join(__dirname, '..', '..', 'package.json'),
    ]);
    expect(notAnExport.code).toBe(1);

    const other = join(dir, 'other.txt');
    writeFileSync(other, anchorText({ seq: 2, hash: 'e'.repeat(64) }, '2008-10-23T18:00:00Z') + '\n');
    const foreign = await runPatchcall(['--db', db, 'audit', 'verify', '--anchors', other]);
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toMatch(/none of the 1 anchor matches this database.*another chain/);

    expect(verify.headSeq).toBe(6);
    const own = join(dir, 'own.txt');
    const seq3 = new Database(db, { readonly: true });
    const hash3 = (seq3.prepare('SELECT hash FROM events WHERE seq = 3').get() as { hash: string }).hash;
    seq3.close();
    writeFileSync(own, anchorText({ seq: 3, hash: hash3 }, '2008-10-23T18:00:00Z') + '\n');
    const partial = await runPatchcall(['--db', db, 'audit', 'verify', '--anchors', own]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/anchors ok: 1 anchor match \(newest: event #3\)/);
    expect(partial.stdout).toMatch(/not yet witnessed: events #4-#6 \(3\) lie after the newest anchor/);
  });
});
