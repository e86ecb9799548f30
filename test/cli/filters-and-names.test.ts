/**
 * Filters on `assets` and `exposure`, naming firewalls at import, the network description's references to
 * imported filters, and the --json shapes checked against the JSON Schemas in docs/schemas/. Child processes.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectShape } from '../helpers/output-schemas';
import { spawnPatchcall } from '../helpers/spawn-patchcall';

const ROOT = join(__dirname, '..', '..');
const seed = (file: string) => join(ROOT, 'db', 'seed', file);
const INVENTORY = ['cmdb-servers.csv', 'nmap-scan.xml', 'hotfixes.csv', 'aws-instances.json'].map(seed);
const FIREWALLS = ['edge.iptables-save', 'edge.ip6tables-save', 'core.nft.json', 'aws-security-groups.json'].map(seed);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchcall-names-'));
}

describe('filters on assets and exposure', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tempDir(), 'p.db');
    const result = await spawnPatchcall([
      '--db',
      db,
      'import',
      seed('ms08-067.bulletin.yaml'),
      ...INVENTORY,
      ...FIREWALLS,
      seed('network.yaml'),
    ]);
    expect(result.code).toBe(0);
  }, 60000);

  it('narrows exposure by System Exposure, zone, glob and limit; JSON keeps its documented shape', async () => {
    const open = expectShape(
      (await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--exposure', 'open', '--json'])).stdout,
      'exposure.schema.json',
    );
    expect(open.assets.map((a: { asset: string }) => a.asset)).toEqual(['web01']);

    const dmz = await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--zone', 'dmz', '--asset', 'web*']);
    expect(dmz.code).toBe(0);
    expect(dmz.stdout).toMatch(
      /^ASSET +STATUS +ZONE +EXPOSURE +PUBLIC +tcp\/139 REACHABLE FROM +tcp\/445 REACHABLE FROM$/m,
    );
    expect(dmz.stdout).toMatch(/^web01 +affected +dmz +open +yes/m);
    expect(dmz.stdout).toMatch(/^web02 +affected +dmz +small +no/m);
    expect(dmz.stdout).toContain('2 of 9 assets shown');
    expect(dmz.stdout).not.toMatch(/^fs01 /m);
  });

  it('narrows assets by status (with --bulletin), glob and limit, and refuses filters that need a bulletin', async () => {
    const affected = expectShape(
      (
        await spawnPatchcall([
          '--db',
          db,
          'assets',
          '--bulletin',
          'MS08-067',
          '--status',
          'affected',
          '--limit',
          '2',
          '--json',
        ])
      ).stdout,
      'assets-bulletin.schema.json',
    );
    expect(affected.matches).toHaveLength(2);
    expect(affected.matches.every((m: { status: string }) => m.status === 'affected')).toBe(true);
    expect(affected.counts.affected).toBe(5);

    const glob = expectShape(
      (await spawnPatchcall(['--db', db, 'assets', '--asset', '{fs,db}0?', '--json'])).stdout,
      'assets.schema.json',
    );
    expect(glob.assets.map((a: { name: string }) => a.name).sort()).toEqual(['db01', 'fs01', 'fs02']);

    const noBulletin = await spawnPatchcall(['--db', db, 'assets', '--status', 'affected']);
    expect(noBulletin.code).toBe(2);
    expect(noBulletin.stderr).toMatch(/need --bulletin/);
    const badStatus = await spawnPatchcall(['--db', db, 'assets', '--bulletin', 'MS08-067', '--status', 'vulnerable']);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/--status: unknown value "vulnerable"; one of affected, patched/);
  });

  it('keeps the documented shapes of bulletins, assess, --version and errors', async () => {
    expectShape((await spawnPatchcall(['--db', db, 'bulletins', '--json'])).stdout, 'bulletins.schema.json');
    expectShape(
      (await spawnPatchcall(['--db', db, '--at', '2008-10-23T18:30:00Z', 'assess', 'MS08-067', '--json'])).stdout,
      'assess.schema.json',
    );
    expectShape((await spawnPatchcall(['--version', '--json'])).stdout, 'version.schema.json');
    const missing = await spawnPatchcall(['--db', db, 'bulletin', 'show', 'MS99-999', '--json']);
    expect(missing.code).toBe(1);
    expectShape(missing.stdout, 'error.schema.json');
  });
});

describe('naming what is imported', () => {
  it('joins the IPv4 and IPv6 dumps of one firewall under --name, whatever the files are called', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    copyFileSync(seed('edge.iptables-save'), join(dir, 'rtr-v4.rules'));
    copyFileSync(seed('edge.ip6tables-save'), join(dir, 'rtr-v6.rules'));
    const result = await spawnPatchcall([
      '--db',
      db,
      'import',
      '--name',
      'edge',
      join(dir, 'rtr-v4.rules'),
      join(dir, 'rtr-v6.rules'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    expectShape(result.stdout, 'import.schema.json');
    const network = await spawnPatchcall([
      '--db',
      db,
      'import',
      seed('ms08-067.bulletin.yaml'),
      ...INVENTORY,
      seed('core.nft.json'),
      seed('aws-security-groups.json'),
      seed('network.yaml'),
    ]);
    expect(network.stderr).toBe('');
    const exposure = JSON.parse((await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--json'])).stdout);
    const edge = exposure.inputs.filters.filter((f: { name: string }) => f.name === 'edge');
    expect(edge.map((f: { families: string[] }) => f.families)).toEqual([['ipv4'], ['ipv6']]);
    expect(exposure.warnings.join('\n')).not.toMatch(/not imported/);
  });

  it('records the same bytes again under another name, and only once per name', async () => {
    const db = join(tempDir(), 'p.db');
    const first = await spawnPatchcall(['--db', db, 'import', seed('edge.iptables-save'), '--json']);
    const renamed = await spawnPatchcall([
      '--db',
      db,
      'import',
      '--name',
      'branch1',
      seed('edge.iptables-save'),
      '--json',
    ]);
    const again = await spawnPatchcall([
      '--db',
      db,
      'import',
      '--name',
      'branch1',
      seed('edge.iptables-save'),
      '--json',
    ]);
    expect(JSON.parse(first.stdout).imported[0]).toMatchObject({
      status: 'imported',
      eventSeq: 1,
      summary: '1 filter (edge)',
    });
    expect(JSON.parse(renamed.stdout).imported[0]).toMatchObject({
      status: 'imported',
      eventSeq: 2,
      summary: '1 filter (branch1)',
    });
    expect(JSON.parse(again.stdout).imported[0]).toMatchObject({ status: 'unchanged', eventSeq: 2 });
  });

  it('refuses --name for a file that is not one firewall', async () => {
    const db = join(tempDir(), 'p.db');
    const sgs = await spawnPatchcall(['--db', db, 'import', '--name', 'cloud', seed('aws-security-groups.json')]);
    expect(sgs.code).toBe(2);
    expect(sgs.stderr).toMatch(
      /--name names one filter; .*aws-security-groups\.json holds 2 \(sg-0cloudapp01, sg-0cloudadmin01\)/,
    );
    const bulletin = await spawnPatchcall(['--db', db, 'import', '--name', 'edge', seed('ms08-067.bulletin.yaml')]);
    expect(bulletin.code).toBe(2);
    expect(bulletin.stderr).toMatch(/--name names a firewall; .*ms08-067\.bulletin\.yaml holds advisory MS08-067/);
  });

  it('refuses a network description naming a filter nobody imported, unless it says assumeOpen', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const alone = await spawnPatchcall(['--db', db, 'import', seed('network.yaml')]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(
      /network\.yaml \(at \/guards\/0\/filter\): filter "edge" \(guarding dmz, servers, office, staging, management\) is not imported/,
    );
    expect(alone.stderr).toMatch(/patchcall import --name edge <file>/);

    const lenient = join(dir, 'network.yaml');
    writeFileSync(
      lenient,
      readFileSync(seed('network.yaml'), 'utf8')
        .replace('  - filter: edge\n', '  - filter: edge\n    assumeOpen: true\n')
        .replace('  - filter: core\n', '  - filter: core\n    assumeOpen: true\n'),
    );
    const accepted = await spawnPatchcall([
      '--db',
      db,
      'import',
      seed('ms08-067.bulletin.yaml'),
      ...INVENTORY,
      lenient,
      seed('aws-security-groups.json'),
    ]);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    const exposure = JSON.parse((await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--json'])).stdout);
    expect(exposure.warnings).toContain(
      `${lenient}: filter "edge" guarding dmz, servers, office, staging, management is not imported; that hop is assumed open (assumeOpen: true)`,
    );
  });

  it('shows parser notes only for filters on some path, and counts the others', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    writeFileSync(
      join(dir, 'spare.iptables-save'),
      readFileSync(seed('edge.iptables-save'), 'utf8') + '# spare copy\n',
    );
    await spawnPatchcall([
      '--db',
      db,
      'import',
      seed('ms08-067.bulletin.yaml'),
      ...INVENTORY,
      ...FIREWALLS,
      seed('network.yaml'),
      join(dir, 'spare.iptables-save'),
    ]);
    const exposure = JSON.parse((await spawnPatchcall(['--db', db, 'exposure', 'MS08-067', '--json'])).stdout);
    expect(exposure.warnings).toContain(
      '2 imported filters are on no path to these assets and not used: sg-0cloudadmin01, spare',
    );
    expect(exposure.warnings.join('\n')).not.toMatch(/^spare \(/m);
  });
});
