import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const software = (file: string) => join(__dirname, '..', 'fixtures', 'inventory', 'software', file);
const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);

describe('software inventories through the CLI', () => {
  it('refuses a host-less SBOM without --asset and stores nothing', async () => {
    const db = tempDbPath();
    const result = await patchcall(['import', software('syft-app01-dir.cdx.json'), '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/syft-app01-dir\.cdx\.json.*names no host.*--asset/);
    expect((await patchcall(['assets', '--json', '--db', db])).json().assets).toEqual([]);
  });

  it('merges an SBOM (--asset) and osquery tables into the CMDB asset, and assets --json shows them', async () => {
    const db = tempDbPath();
    const cmdb = join(mkdtempSync(join(tmpdir(), 'patchcall-sw-')), 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,busines_criticality\nsys-a1,app01,10.0.5.11,Red Hat Enterprise Linux 8.6,2 - somewhat critical\n',
    );
    const first = await patchcall(['import', cmdb, '--db', db]);
    expect(first.code).toBe(0);
    const sbom = await patchcall(['import', '--asset', 'app01', software('syft-app01-dir.cdx.json'), '--db', db]);
    expect(sbom.stderr).toBe('');
    expect(sbom.stdout).toMatch(/cyclonedx, 1 asset view, 5 installed packages/);
    const rpm = await patchcall(['import', '--asset', 'APP01', software('osqueryi-rpm_packages.json'), '--db', db]);
    expect(rpm.code).toBe(0);
    const out = (await patchcall(['assets', '--json', '--db', db])).json();
    expect(out.assets).toHaveLength(1);
    const [asset] = out.assets;
    expect(asset).toMatchObject({ id: 'sys-a1', name: 'app01', criticality: 'high' });
    expect(asset.softwareInventories.map((i: { kind: string; complete: boolean }) => [i.kind, i.complete])).toEqual([
      ['sbom', false],
      ['rpm', true],
    ]);
    const tomcats = asset.software.filter((s: { name: string }) => s.name === 'tomcat');
    expect(tomcats.map((s: { inventory: string; version: string }) => [s.inventory, s.version])).toEqual([
      ['sbom', '1:9.0.62-37.el8'],
      ['rpm', '1:9.0.62-37.el8'],
    ]);
    expect(tomcats[0].source).toMatchObject({ format: 'cyclonedx', eventSeq: expect.any(Number) });
  });

  it('a newer table replaces only its own inventory, and re-importing an SBOM for another asset is a new statement', async () => {
    const db = tempDbPath();
    expect((await patchcall(['import', software('osquery-results-web05.json'), '--db', db])).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-sw-'));
    const newerNpm = join(dir, 'npm.json');
    writeFileSync(
      newerNpm,
      JSON.stringify([
        {
          name: 'pack/software/npm_packages',
          hostIdentifier: 'web05',
          unixTime: 1796191200,
          columns: {
            name: '@loopback/rest',
            version: '13.1.2',
            homepage: '',
            directory: '/srv/api/node_modules/@loopback/rest',
            path: '',
          },
        },
      ]),
    );
    expect((await patchcall(['import', newerNpm, '--db', db])).code).toBe(0);
    const [web05] = (await patchcall(['assets', '--json', '--db', db])).json().assets;
    const versions = web05.software.map((s: { name: string; version: string }) => `${s.name}@${s.version}`).sort();
    expect(versions).toEqual([
      '@loopback/rest@13.1.2',
      'Django@3.2.12',
      'apache2@2.4.56-1~deb11u2',
      'libssl1.1@1.1.1n-0+deb11u5',
    ]);

    expect(
      (await patchcall(['import', '--asset', 'web03', software('syft-web03-dir.spdx.json'), '--db', db])).code,
    ).toBe(0);
    const again = await patchcall(['import', '--asset', 'web04', software('syft-web03-dir.spdx.json'), '--db', db]);
    expect(again.stdout).toMatch(/spdx, 1 asset view/);
    const names = (await patchcall(['assets', '--json', '--db', db]))
      .json()
      .assets.map((a: { name: string }) => a.name);
    expect(names).toEqual(['web05', 'web03', 'web04']);
  });

  it('prints the warnings of a tolerant CMDB import and records them in the event', async () => {
    const db = tempDbPath();
    const cmdb = join(mkdtempSync(join(tmpdir(), 'patchcall-sw-')), 'cmdb.csv');
    writeFileSync(cmdb, 'name,ip_address,install_status,busines_criticality\nsw01,10.0.0.300,1,5 - not critical\n');
    const result = await patchcall(['import', cmdb, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/2 warnings/);
    expect(result.stdout).toMatch(/warning: .*cmdb\.csv \(line 2, column 2\): "10\.0\.0\.300" is not an IP address/);
    expect(result.stdout).toMatch(/warning: .*\(line 2, column 4\): business criticality "5 - not critical"/);
    const json = await patchcall(['import', seed('cmdb-servers.csv'), '--json', '--db', db]);
    expect(json.json().imported[0].warnings).toEqual([]);
  });

  it('refuses --asset on a document that is not an inventory', async () => {
    const db = tempDbPath();
    const result = await patchcall(['import', '--asset', 'x', seed('ms08-067.bulletin.yaml'), '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--asset names the host of an inventory/);
  });
});
