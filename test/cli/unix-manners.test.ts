/**
 * The CLI as a shell runs it: a child process with real pipes. A reader that stops early, standard input, the
 * version, exit codes for an unreachable feed, colour only when asked or on a terminal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textStyle } from '../../src/cli/output';
import { spawnPatchcall } from '../helpers/spawn-patchcall';

const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);
const SEED_FILES = [
  'ms08-067.bulletin.yaml',
  'cmdb-servers.csv',
  'nmap-scan.xml',
  'hotfixes.csv',
  'aws-instances.json',
  'edge.iptables-save',
  'edge.ip6tables-save',
  'core.nft.json',
  'aws-security-groups.json',
  'network.yaml',
].map(seed);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchcall-cli-'));
}

/** A CMDB export of `count` Windows servers: enough JSON to overflow any pipe buffer several times. */
function bigCmdb(dir: string, count: number): string {
  const [header, first] = readFileSync(seed('cmdb-servers.csv'), 'utf8').split('\n');
  const rows = Array.from({ length: count }, (_, i) =>
    first!.replace(/^[0-9a-f]+,web01,web01\.corp\.example,10\.10\.0\.11;2001:db8:10::11/, () => {
      const n = i + 1;
      return `${n.toString(16).padStart(32, '0')},srv${n},srv${n}.corp.example,10.${50 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    }),
  );
  const file = join(dir, 'big-cmdb.csv');
  writeFileSync(file, [header, ...rows].join('\n') + '\n');
  return file;
}

describe('patchcall in a pipeline', () => {
  let db: string;

  beforeAll(async () => {
    db = join(tempDir(), 'patchcall.db');
    const imported = await spawnPatchcall(['--db', db, 'import', ...SEED_FILES]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
  }, 60000);

  it('ends quietly with status 0 when the reader stops early (| head -1), output over 64 KB', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.db');
    expect((await spawnPatchcall(['--db', big, 'import', bigCmdb(dir, 1000)])).code).toBe(0);
    const full = await spawnPatchcall(['--db', big, 'assets', '--json']);
    expect(full.code).toBe(0);
    expect(full.stdout.length).toBeGreaterThan(256 * 1024);

    const cut = await spawnPatchcall(['--db', big, 'assets', '--json'], { closeStdoutAfter: 1 });
    expect(cut.stderr).toBe('');
    expect(cut.code).toBe(0);
    expect(cut.stdout.length).toBeLessThan(full.stdout.length);

    const exposure = await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--json'], { closeStdoutAfter: 1 });
    expect(exposure.stderr).toBe('');
    expect(exposure.code).toBe(0);
    expect(exposure.stdout.startsWith('{')).toBe(true);
  }, 60000);

  it('reads standard input for `import -`, by content detection or with --format', async () => {
    const fresh = join(tempDir(), 'stdin.db');
    const bulletin = readFileSync(seed('ms08-067.bulletin.yaml'));
    const detected = await spawnPatchcall(['--db', fresh, 'import', '-'], { input: bulletin });
    expect(detected.stderr).toBe('');
    expect(detected.code).toBe(0);
    expect(detected.stdout).toBe('stdin: bulletin, advisory MS08-067 (event 1)\n');

    const kev = readFileSync(join(__dirname, '..', 'fixtures', 'kev', 'known_exploited_vulnerabilities.csv'));
    const forced = await spawnPatchcall(['--db', fresh, 'import', '--format', 'kev', '-', '--json'], { input: kev });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).imported[0]).toMatchObject({
      document: 'stdin',
      format: 'kev',
      status: 'imported',
    });

    const twice = await spawnPatchcall(['--db', fresh, 'import', '-', '-'], { input: bulletin });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/standard input \(-\) can be read only once/);

    const empty = await spawnPatchcall(['--db', fresh, 'import', '-'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^patchcall: stdin: the file is empty/);
  });

  it('names a firewall read from standard input with --name', async () => {
    const fresh = join(tempDir(), 'named.db');
    const result = await spawnPatchcall(['--db', fresh, 'import', '--name', 'edge', '-', '--json'], {
      input: readFileSync(seed('edge.iptables-save')),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).imported[0].summary).toBe('1 filter (edge)');
  });

  it('prints the version, the schema version and the rulebook digest, without a database', async () => {
    const version = await spawnPatchcall(['--version'], { cwd: tempDir() });
    expect(version.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout).toMatch(
      new RegExp(`^patchcall ${pkg.version.replace(/\./g, '\\.')}\nschema version \\d+\nrulebook sha256 [0-9a-f]{64} `),
    );
    const json = JSON.parse((await spawnPatchcall(['--version', '--json'])).stdout);
    expect(json.schemaVersion).toBeGreaterThanOrEqual(5);
    // the digest of the whole rules folder, the one `rules check` prints and every assessment records
    const check = JSON.parse((await spawnPatchcall(['rules', 'check', '--json'])).stdout);
    expect(json.rulebookDigest).toBe(check.digest);
    expect(version.stdout).toContain(check.digest);
  }, 60000);

  it('exits 1 (a failure, not bad input) when a feed cannot be reached, and 2 for a bad option', async () => {
    const down = await spawnPatchcall([
      '--db',
      join(tempDir(), 'w.db'),
      'watch',
      'http://127.0.0.1:9/kev.json',
      '--once',
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^patchcall: http:\/\/127\.0\.0\.1:9\/kev\.json: cannot fetch/);
    const unknown = await spawnPatchcall(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('uses colour only when asked or on a terminal, never with NO_COLOR or --no-color', async () => {
    const plain = await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--asset', 'web01']);
    expect(plain.stdout).toMatch(/^web01 +affected +dmz +open +yes /m);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = await spawnPatchcall(['--db', db, '--color', 'always', 'exposure', 'MS08-067', '--asset', 'web01']);
    expect(forced.stdout).toContain('\x1b[31mopen\x1b[39m');

    const terminal = { stdout: () => undefined, stderr: () => undefined, interactive: true, user: 't' };
    expect(textStyle({ ...terminal, stdoutIsTty: true, columns: 100, env: {} }, {})).toEqual({
      colour: true,
      columns: 100,
    });
    expect(textStyle({ ...terminal, stdoutIsTty: true, env: { NO_COLOR: '1' } }, {}).colour).toBe(false);
    expect(textStyle({ ...terminal, stdoutIsTty: true, env: {} }, { color: false }).colour).toBe(false);
    expect(textStyle({ ...terminal, stdoutIsTty: false, env: {} }, { color: true }).colour).toBe(true);
    const bad = await spawnPatchcall(['--db', db, '--color', 'sometimes', 'bulletins']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--color takes always, never or auto/);
  });
});
