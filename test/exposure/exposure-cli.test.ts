/**
 * End to end over the bundled seed files: the real importers (bulletin, inventory, the firewall parsers of
 * src/exposure/parsers, the network description), a real SQLite file, the real CLI in-process.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { exposureInputsDigest, loadFilters, loadNetwork } from '../../src/store/exposure-store';
import { openDatabase } from '../../src/store/open-database';

const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);
const inventory = ['cmdb-servers.csv', 'nmap-scan.xml', 'hotfixes.csv', 'aws-instances.json'];
const firewalls = [
  'edge.iptables-save',
  'edge.ip6tables-save',
  'core.nft.json',
  'aws-security-groups.json',
  'network.yaml',
];

async function seeded(): Promise<string> {
  const db = tempDbPath();
  const imported = await patchcall([
    '--db',
    db,
    'import',
    ...['ms08-067.bulletin.yaml', ...inventory, ...firewalls].map(seed),
  ]);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  return db;
}

describe('patchcall exposure over the seed estate', () => {
  let db: string;
  beforeAll(async () => {
    db = await seeded();
  });

  test('--json: the expected exposure per asset, with the deciding rules', async () => {
    const result = await patchcall(['--db', db, 'exposure', 'MS08-067', '--json']);
    expect(result.code).toBe(0);
    const report = result.json();
    expect(report.ports).toEqual([
      { protocol: 'tcp', port: 139 },
      { protocol: 'tcp', port: 445 },
    ]);
    const byName = Object.fromEntries(report.assets.map((a: { asset: string }) => [a.asset, a]));
    const level = (name: string) => byName[name].exposure?.systemExposure;
    expect({
      web01: level('web01'),
      web02: level('web02'),
      fs01: level('fs01'),
      stage01: level('stage01'),
      cloudApp01: level('cloud-app01'),
    }).toEqual({
      web01: 'open',
      web02: 'small',
      fs01: 'controlled',
      stage01: 'small',
      cloudApp01: 'controlled',
    });
    expect(byName['web01'].exposure.publiclyExposed).toBe(true);
    expect(byName['fs02'].status).toBe('patched');
    expect(byName['fs02'].exposure).toBeUndefined();
    expect(byName['nt4-legacy'].status).toBe('retired');

    const web01 = byName['web01'].exposure.ports.find((p: { port: number }) => p.port === 445);
    const internet = web01.reachableFrom.find((z: { zone: string }) => z.zone === 'internet');
    expect(internet.path[0]).toMatchObject({
      filter: 'edge',
      chain: 'DMZ_IN',
      verdict: 'accept',
      rule: { number: 1, text: '-A DMZ_IN -d 10.10.0.11/32 -p tcp -m multiport --dports 80,443,445 -j ACCEPT' },
    });
    expect(internet.path[0].rule.document).toMatch(/edge\.iptables-save$/);
    const fs01Office = byName['fs01'].exposure.ports[1].reachableFrom.find(
      (z: { zone: string }) => z.zone === 'office',
    );
    expect(fs01Office.path.map((s: { filter: string }) => s.filter)).toEqual(['edge', 'core']);
    expect(report.inputs.filters.map((f: { name: string }) => f.name).sort()).toEqual([
      'core',
      'edge',
      'edge',
      'sg-0cloudadmin01',
      'sg-0cloudapp01',
    ]);
    expect(report.inputs.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('human output: a table, then the reasons naming the rules', async () => {
    const result = await patchcall(['--db', db, 'exposure', 'MS08-067']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^web01 +affected +dmz +open +yes /m);
    expect(result.stdout).toMatch(/^fs02 +patched/m);
    expect(result.stdout).toContain(
      'tcp/445 reachable from the internet (0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8 and 35 more ranges) through rule 1 of edge DMZ_IN (line 27: -A DMZ_IN -d 10.10.0.11/32 -p tcp -m multiport --dports 80,443,445 -j ACCEPT)',
    );
  });

  test('--block tcp/445@edge --block tcp/139@edge: web01 drops from open to small, cloud-app01 is untouched', async () => {
    const result = await patchcall([
      '--db',
      db,
      'exposure',
      'MS08-067',
      '--json',
      '--block',
      'tcp/445@edge',
      '--block',
      'tcp/139@edge',
    ]);
    expect(result.code).toBe(0);
    const changes = Object.fromEntries(
      result
        .json()
        .assets.filter((a: { whatIf?: unknown }) => a.whatIf)
        .map((a: { asset: string; whatIf: { change: unknown } }) => [a.asset, a.whatIf.change]),
    );
    expect(changes['web01']).toMatchObject({
      before: 'open',
      after: 'small',
      publiclyExposedBefore: true,
      publiclyExposedAfter: false,
    });
    expect(changes['web01'].stoppedZones['tcp/445']).toEqual(
      expect.arrayContaining(['internet', 'office', 'management']),
    );
    expect(changes['cloud-app01']).toMatchObject({ before: 'controlled', after: 'controlled', stoppedZones: {} });
  });

  test('--block naming a filter that is not imported is a usage error', async () => {
    const result = await patchcall(['--db', db, 'exposure', 'MS08-067', '--block', 'tcp/445@nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"nowhere", which is not an imported filter/);
    expect((await patchcall(['--db', db, 'exposure', 'MS08-067', '--block', 'tcp/99999@edge'])).stderr).toMatch(
      /not of the form/,
    );
  });

  test('the store keeps the latest filter per name and family; the digest follows the inputs; rebuild restores them', async () => {
    const handle = openDatabase(db);
    const filters = loadFilters(handle);
    expect(filters.filter((f) => f.name === 'edge').map((f) => f.families)).toEqual([['ipv4'], ['ipv6']]);
    expect(filters.every((f) => typeof f.source.eventSeq === 'number')).toBe(true);
    expect(loadNetwork(handle)?.network.zones.map((z) => z.name)).toEqual([
      'dmz',
      'servers',
      'office',
      'staging',
      'management',
      'cloud',
    ]);
    const digest = exposureInputsDigest(handle);
    handle.close();

    expect((await patchcall(['--db', db, 'audit', 'rebuild'])).code).toBe(0);
    const again = new Database(db, { readonly: true });
    expect(exposureInputsDigest(again)).toBe(digest);
    again.close();
  });
});

describe('patchcall import of network descriptions', () => {
  test('overlapping zones are refused, naming both zones and the overlap', async () => {
    const { writeFileSync } = await import('node:fs');
    const db = tempDbPath();
    const file = join(db, '..', 'bad.network.yaml');
    writeFileSync(
      file,
      'kind: patchcall/network\nzones:\n  office: [10.30.0.0/16]\n  vpn: [10.30.128.0/17, 10.31.0.0/16]\n',
    );
    const result = await patchcall(['--db', db, 'import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('zones "office" and "vpn" overlap in 10.30.128.0/17');
    expect(result.stderr).toContain('(at /zones/vpn)');
  });
});
