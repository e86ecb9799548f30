import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const seedDir = join(__dirname, '..', '..', 'db', 'seed');
const seed = (file: string) => join(seedDir, file);
const INVENTORY = ['cmdb-servers.csv', 'nmap-scan.xml', 'hotfixes.csv', 'aws-instances.json'].map(seed);

async function importSeed(db: string) {
  const result = await patchcall(['import', seed('ms08-067.bulletin.yaml'), ...INVENTORY, '--db', db]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

describe('patchcall assets on the bundled MS08-067 estate', () => {
  let db: string;
  beforeAll(async () => {
    db = tempDbPath();
    await importSeed(db);
  });

  it('matches the seed estate against MS08-067 as the README table says', async () => {
    const result = await patchcall(['assets', '--bulletin', 'MS08-067', '--json', '--db', db]);
    expect(result.code).toBe(0);
    const out = result.json();
    const names = (status: string) =>
      out.matches
        .filter((m: { status: string }) => m.status === status)
        .map((m: { asset: { name: string } }) => m.asset.name)
        .sort();
    expect(names('affected')).toEqual(['cloud-app01', 'fs01', 'stage01', 'web01', 'web02']);
    expect(names('patched')).toEqual(['fs02']);
    expect(names('not_affected')).toEqual(['db01']);
    expect(names('retired')).toEqual(['nt4-legacy']);
    expect(names('unknown')).toEqual(['printsrv']);
    expect(out.counts).toEqual({ affected: 5, patched: 1, not_affected: 1, unknown: 1, retired: 1 });
    const reasons = (name: string) =>
      out.matches.find((m: { asset: { name: string } }) => m.asset.name === name).reasons.join(' ');
    expect(reasons('fs02')).toMatch(/KB958644 is installed \(on 2008-10-24\) according to get-hotfix/);
    expect(reasons('fs01')).toMatch(/"Windows Server 2003 Service Pack 1"/);
    expect(reasons('db01')).toMatch(/matches none of the 16 affected products/);
  });

  it('lists one merged asset per host, with the CMDB preferred and the Samba answer flagged', async () => {
    const out = (await patchcall(['assets', '--json', '--db', db])).json();
    expect(out.assets.map((a: { name: string }) => a.name).sort()).toEqual([
      'cloud-app01',
      'db01',
      'fs01',
      'fs02',
      'nt4-legacy',
      'printsrv',
      'stage01',
      'web01',
      'web02',
    ]);
    const asset = (name: string) => out.assets.find((a: { name: string }) => a.name === name);
    expect(asset('db01').os).toMatchObject({ raw: 'Debian GNU/Linux 4.0', method: 'inventory' });
    expect(
      asset('db01')
        .conflicts.map((c: { note: string }) => c.note)
        .join(' '),
    ).toMatch(/SMB answers "Windows 5\.0" but the server is Samba 3\.0\.24/);
    expect(asset('cloud-app01')).toMatchObject({
      id: '3a1f0c2e1b2d4e5f8a9b0c1d2e3f4a07',
      addresses: ['172.31.5.10', '203.0.113.50'],
      securityGroupIds: ['sg-0cloudapp01'],
      patchedBy: 'provider',
      provider: 'Contoso Hosting',
      patchSlaDays: 30,
    });
    expect(asset('web01').openPorts).toEqual(expect.arrayContaining(['tcp/139', 'tcp/445']));
    expect(asset('printsrv')).toMatchObject({ os: null, addresses: ['10.30.0.50'], criticality: 'unknown' });
    expect(asset('fs02').installedFixes).toEqual(['KB958644', 'KB951748']);
    expect(out.inventoryDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('prints a human table and the reasons per asset', async () => {
    const list = await patchcall(['assets', '--db', db]);
    expect(list.stdout).toMatch(/^NAME +ADDRESSES +OS +CRITICALITY +ENVIRONMENT +PATCHED BY +FLAGS$/m);
    expect(list.stdout).toMatch(
      /^nt4-legacy +10\.20\.1\.99 +Windows 2000 Server Service Pack 4 +medium +production +self +RETIRED$/m,
    );
    const match = await patchcall(['assets', '--bulletin', 'MS08-067', '--db', db]);
    expect(match.stdout.split('\n')[0]).toBe('MS08-067: 5 affected, 1 patched, 1 not affected, 1 unknown, 1 retired');
  });

  it('says which bulletin is missing', async () => {
    const result = await patchcall(['assets', '--bulletin', 'MS99-999', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no bulletin "MS99-999"/);
  });
});

describe('re-import and failed import', () => {
  it('a newer CMDB export updates the asset, the digest changes, and a rebuild gives the same inventory', async () => {
    const db = tempDbPath();
    await importSeed(db);
    const before = (await patchcall(['assets', '--json', '--db', db])).json();
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-cmdb-'));
    const updated = join(dir, 'cmdb-servers-2.csv');
    const text = readFileSync(seed('cmdb-servers.csv'), 'utf8');
    writeFileSync(updated, text.replace(/(stage01,.*?),4 - not critical,/, '$1,3 - less critical,'));
    expect((await patchcall(['import', updated, '--db', db])).code).toBe(0);
    const after = (await patchcall(['assets', '--json', '--db', db])).json();
    const stage = (out: { assets: { name: string; criticality: string }[] }) =>
      out.assets.find((a) => a.name === 'stage01')!;
    expect(stage(before).criticality).toBe('low');
    expect(stage(after).criticality).toBe('medium');
    expect(after.assets).toHaveLength(9);
    expect(after.inventoryDigest).not.toBe(before.inventoryDigest);

    expect((await patchcall(['audit', 'rebuild', '--db', db])).code).toBe(0);
    expect((await patchcall(['assets', '--json', '--db', db])).json().inventoryDigest).toBe(after.inventoryDigest);
  });

  it('stores nothing when one file of an import is bad', async () => {
    const db = tempDbPath();
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-bad-'));
    const bad = join(dir, 'bad-cmdb.csv');
    writeFileSync(
      bad,
      'sys_id,name,os,u_patch_sla_days\n1,ok01,Windows 2000 Server,1\n2,bad01,Windows 2000 Server,soon\n',
    );
    const result = await patchcall(['import', seed('cmdb-servers.csv'), bad, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad-cmdb\.csv \(line 3, column 4\): u_patch_sla_days "soon" is not a whole number/);
    expect((await patchcall(['assets', '--json', '--db', db])).json().assets).toEqual([]);
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
    expect(sqlite.prepare('SELECT COUNT(*) AS n FROM inventory_views').get()).toEqual({ n: 0 });
    sqlite.close();
  });
});
