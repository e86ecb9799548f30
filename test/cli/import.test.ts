import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const SEED_BULLETIN = join(__dirname, '../../db/seed/ms08-067.bulletin.yaml');
const seedText = readFileSync(SEED_BULLETIN, 'utf8');

function file(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-input-')), name);
  writeFileSync(path, content);
  return path;
}

async function storedEvents(db: string): Promise<number> {
  // a refused import may not even create the database: read-only commands refuse a missing one
  if (!existsSync(db)) return 0;
  const verify = await patchcall(['--db', db, 'audit', 'verify', '--json']);
  return verify.json().count;
}

describe('patchcall import: the hand-written MS08-067 bulletin', () => {
  it('imports, shows the normalized bulletin, and verifies the log', async () => {
    const db = tempDbPath();
    const imported = await patchcall(['--db', db, 'import', SEED_BULLETIN]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('advisory MS08-067');

    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'MS08-067', '--json'])).json();
    expect(shown.id).toBe('MS08-067');
    expect(shown.cves).toEqual(['CVE-2008-4250']);
    expect(shown.fixIds).toEqual(['KB958644']);
    expect(shown.restartRequired.value).toBe(true);
    expect(shown.cycle.status).toBe('out-of-cycle');
    expect(shown.vulnerablePorts).toEqual([
      { protocol: 'tcp', port: 139 },
      { protocol: 'tcp', port: 445 },
    ]);
    expect(shown.automatable.value).toBe('yes');
    expect(shown.products).toHaveLength(16);
    expect(shown.title.source).toMatchObject({ format: 'bulletin', eventSeq: 1 });
    expect(shown.remediations[0].source.locator).toBe('/fixes/0');

    const byCve = (await patchcall(['--db', db, 'bulletin', 'show', 'cve-2008-4250', '--json'])).json();
    expect(byCve.id).toBe('MS08-067');

    const verify = await patchcall(['--db', db, 'audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/chain ok: 1 events, head #1 [0-9a-f]{64}/);
  });

  it('treats a second import of the same bytes as nothing new', async () => {
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', SEED_BULLETIN]);
    const again = await patchcall(['--db', db, 'import', SEED_BULLETIN, '--json']);
    expect(again.json().imported[0]).toMatchObject({ status: 'unchanged', eventSeq: 1 });
    expect(await storedEvents(db)).toBe(1);
  });

  it('accepts a byte-order mark and a gzip-compressed file', async () => {
    const db = tempDbPath();
    const withBom = file('bom.yaml', '\ufeff' + seedText.replace('id: MS08-067', 'id: MS08-067-BOM'));
    const gz = file('ms.yaml.gz', gzipSync(seedText.replace('id: MS08-067', 'id: MS08-067-GZ')));
    const result = await patchcall(['--db', db, 'import', withBom, gz]);
    expect(result.code).toBe(0);
    const list = (await patchcall(['--db', db, 'bulletins', '--json'])).json();
    expect(list.bulletins.map((b: { id: string }) => b.id)).toEqual(['MS08-067-BOM', 'MS08-067-GZ']);
  });

  it('rebuilds its lookup tables from the log alone', async () => {
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', SEED_BULLETIN]);
    const rebuilt = await patchcall(['--db', db, 'audit', 'rebuild', '--json']);
    expect(rebuilt.json()).toEqual({ replayed: 1 });
    expect((await patchcall(['--db', db, 'bulletin', 'show', 'MS08-067', '--json'])).json().fixIds).toEqual([
      'KB958644',
    ]);
  });
});

describe('patchcall import: bad input is refused whole, with the file and the place', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    [
      'truncated.json',
      '{"kind": "patchcall/bulletin", "id": "X", "cves": [',
      /truncated\.json \(line 1, column \d+\): invalid JSON: the document ends early/,
    ],
    [
      'wrong-schema.json',
      JSON.stringify({
        kind: 'patchcall/bulletin',
        id: 'MS08-067',
        title: 't',
        vendor: 'Microsoft',
        released_at: '2008-10-23',
        cves: ['CVE-08-1'],
      }),
      /wrong-schema\.json \(at \/cves\/0\): not a valid hand-written bulletin: cves\.0 must be a CVE id, e\.g\. CVE-2008-4250$/m,
    ],
    [
      'odd-date.yaml',
      seedText.replace('released_at: "2008-10-23"', 'released_at: "10/23/2008"'),
      /odd-date\.yaml \(at \/released_at\): "10\/23\/2008" is not an ISO 8601 date/,
    ],
    [
      'feb30.yaml',
      seedText.replace('released_at: "2008-10-23"', 'released_at: "2008-02-30"'),
      /feb30\.yaml \(at \/released_at\): "2008-02-30" is not a real calendar date/,
    ],
    ['bad.yaml', 'kind: patchcall/bulletin\nid: [unclosed\n', /bad\.yaml \(line \d+, column \d+\): invalid YAML/],
    ['unknown.json', '{"hello": "world"}', /unknown\.json: unknown format: this JSON document is none of/],
    [
      'entity.xml',
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<cvrfdoc>&e;</cvrfdoc>',
      /entity\.xml \(line 2\): XML with an ENTITY declaration is refused/,
    ],
    [
      'dtd.xml',
      '<?xml version="1.0"?>\n<!DOCTYPE cvrfdoc SYSTEM "http://evil.example/x.dtd">\n<cvrfdoc/>',
      /dtd\.xml \(line 2\): XML with a DOCTYPE with a DTD is refused/,
    ],
    ['empty.csv', '', /empty\.csv: the file is empty/],
    ['binary.bin', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), /binary\.bin: binary content/],
    [
      'bomb.gz',
      Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]),
      /bomb\.gz: not a readable gzip file/,
    ],
  ];

  it.each(cases)('%s', async (name, content, message) => {
    const db = tempDbPath();
    const result = await patchcall(['--db', db, 'import', file(name, content)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await storedEvents(db)).toBe(0);
  });

  it('stores nothing when the second of two files is bad', async () => {
    const db = tempDbPath();
    const result = await patchcall([
      '--db',
      db,
      'import',
      SEED_BULLETIN,
      file('bad.json', '{"kind": "patchcall/bulletin"'),
    ]);
    expect(result.code).toBe(2);
    expect(await storedEvents(db)).toBe(0);
  });

  it('refuses a file over the size limit, naming the limit and how to raise it', async () => {
    const db = tempDbPath();
    const big = file('big.csv', 'x'.repeat(2 * 1024 * 1024));
    const result = await patchcall(['--db', db, 'import', big], { env: { PATCHCALL_MAX_INPUT_MB: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /big\.csv: file is 2\.0 MiB, over the import limit of 1\.0 MiB \(set PATCHCALL_MAX_INPUT_MB/,
    );
  });

  it('refuses a gzip bomb that expands past the limit', async () => {
    const db = tempDbPath();
    const bomb = file('bomb.csv.gz', gzipSync(Buffer.alloc(3 * 1024 * 1024, 'a')));
    const result = await patchcall(['--db', db, 'import', bomb], { env: { PATCHCALL_MAX_INPUT_MB: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gzip content expands beyond the import limit/);
  });

  it('names a missing file, a forced unknown format and a bad setting', async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', '/nonexistent/x.json'])).stderr).toMatch(
      /\/nonexistent\/x\.json: cannot read: ENOENT/,
    );
    expect((await patchcall(['--db', db, 'import', SEED_BULLETIN, '--format', 'docx'])).stderr).toMatch(
      /unknown format "docx"; known formats: /,
    );
    const badEnv = await patchcall(['--db', db, 'bulletins'], { env: { PATCHCALL_MAX_INPUT_MB: 'lots' } });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/PATCHCALL_MAX_INPUT_MB must be a positive number/);
  });
});

describe('patchcall command line', () => {
  it('exits 2 on usage errors and 1 on a missing bulletin, with --json errors on stdout', async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'frobnicate'])).code).toBe(2);
    expect((await patchcall(['--db', db, 'import'])).code).toBe(2);
    expect((await patchcall(['--db', db, 'import', SEED_BULLETIN])).code).toBe(0);
    const missing = await patchcall(['--db', db, 'bulletin', 'show', 'MS99-999', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json().error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('prints help with exit 0', async () => {
    const help = await patchcall(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import');
  });

  it('audit verify exits 1 and names the first broken link of a tampered database', async () => {
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', SEED_BULLETIN]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3');
    const raw = new Database(db);
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare("UPDATE events SET actor = 'someone-else' WHERE seq = 1").run();
    raw.close();
    const verify = await patchcall(['--db', db, 'audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/chain BROKEN at event #1: event content does not match its hash/);
  });
});

describe('patchcall import: real nmap scans', () => {
  it('accepts the bare <!DOCTYPE nmaprun> that nmap writes, and imports every real scan', async () => {
    const db = tempDbPath();
    const dir = join(__dirname, '../fixtures/nmap');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const scans = (require('node:fs').readdirSync(dir) as string[])
      .filter((f) => f.endsWith('.xml'))
      .map((f) => join(dir, f));
    const result = await patchcall(['--db', db, 'import', ...scans]);
    expect(result.stderr).toBe('');
    expect(result.stdout.match(/: nmap, \d+ asset views?/g)).toHaveLength(scans.length);
  });
});
