/**
 * Real OSV records, imported by content: GitHub's GHSA-35jh-r3h4-6jhm (lodash, npm ranges) and Ubuntu's USN-5844-1
 * (openssl, fixed builds per release), with the hosts' own package inventories.
 *
 * Expected, written before the code:
 * - GHSA-35jh-r3h4-6jhm (lodash and lodash-es < 4.17.21) against CycloneDX SBOMs: shop-web with lodash 4.17.20 is
 *   affected; shop-api with lodash-es 4.17.21 (the fixed version: outside every range) and a complete SBOM is
 *   not_affected, proven by that SBOM; shop-batch, whose SBOM is not declared complete and lists neither, is unknown.
 * - USN-5844-1, read as Canonical means it (an earlier build of the package on the same release is affected), with
 *   dpkg version rules: jammy-1 (Ubuntu 22.04, libssl3 3.0.2-0ubuntu1.7) affected; jammy-2 (3.0.2-0ubuntu1.8)
 *   patched; focal-1 (Ubuntu 20.04, libssl1.1 1.1.1f-1ubuntu2.17, focal's fixed build) patched, though it is below
 *   jammy's fixed 3.0.2-0ubuntu1.8: jammy's fix is not compared with a focal build; noos-1 (OS unknown, the same
 *   focal build) is unknown: which release's fix applies cannot be told, so never affected, never patched.
 * - USN-5844-1 on releases it does not list (issue 9, third session; these were not_affected, "not a platform"):
 *   noble-1 (Ubuntu 24.04, libssl3 3.0.13-0ubuntu3.1 installed) unknown, the reason naming the releases the notice
 *   speaks for; noble-2 (Ubuntu 24.04, complete deb table without any openssl package) not_affected by that table;
 *   noble-3 (Ubuntu 24.04, no software inventory) unknown; win-1 (Windows Server 2019) not_affected: Ubuntu's
 *   packages are not installed on Windows.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const osv = (file: string) => join(__dirname, '..', 'fixtures', 'osv', file);

function write(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

/** A CycloneDX 1.5 SBOM of an npm application, as cyclonedx-npm writes one; `complete` adds the composition. */
function sbom(app: string, packages: [string, string][], complete: boolean) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { component: { type: 'application', name: app, version: '1.0.0', 'bom-ref': `${app}@1.0.0` } },
    components: packages.map(([name, version]) => ({
      type: 'library',
      name,
      version,
      'bom-ref': `${name}@${version}`,
      purl: `pkg:npm/${name}@${version}`,
    })),
    ...(complete ? { compositions: [{ aggregate: 'complete', assemblies: [`${app}@1.0.0`] }] } : {}),
  };
}

/** `osqueryi --json "SELECT * FROM deb_packages"` rows (all values strings, as osquery prints them). */
function debPackages(rows: [string, string, string][]) {
  return rows.map(([name, version, source]) => ({
    name,
    version,
    source,
    size: '4096',
    arch: 'amd64',
    revision: version.split('-').pop(),
    status: 'install ok installed',
    maintainer: 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>',
    section: 'libs',
    priority: 'optional',
  }));
}

async function imported(files: string[][]): Promise<string> {
  const db = tempDbPath();
  for (const args of files) {
    const result = await patchcall(['--db', db, 'import', ...args]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }
  return db;
}

async function standing(db: string, bulletin: string): Promise<Record<string, { status: string; reasons: string[] }>> {
  const result = await patchcall(['--db', db, 'assets', '--bulletin', bulletin, '--json']);
  expect(result.code).toBe(0);
  return Object.fromEntries(
    result.json().matches.map((m: { asset: { name: string }; status: string; reasons: string[] }) => [m.asset.name, m]),
  );
}

describe('OSV: GHSA-35jh-r3h4-6jhm (lodash, npm ranges) against CycloneDX SBOMs', () => {
  it('reads the ranges per package and decides each application by its SBOM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const cmdb = write(
      dir,
      'cmdb.csv',
      'sys_id,name,ip_address,install_status\ns1,shop-web,10.20.1.1,1\ns2,shop-api,10.20.1.2,1\ns3,shop-batch,10.20.1.3,1\n',
    );
    const db = await imported([
      [osv('GHSA-35jh-r3h4-6jhm.json'), cmdb],
      [
        write(
          dir,
          'web.cdx.json',
          sbom(
            'shop-web',
            [
              ['lodash', '4.17.20'],
              ['express', '4.17.1'],
            ],
            true,
          ),
        ),
        '--asset',
        'shop-web',
      ],
      [write(dir, 'api.cdx.json', sbom('shop-api', [['lodash-es', '4.17.21']], true)), '--asset', 'shop-api'],
      [write(dir, 'batch.cdx.json', sbom('shop-batch', [['express', '4.17.1']], false)), '--asset', 'shop-batch'],
    ]);
    const bulletin = (await patchcall(['--db', db, 'bulletin', 'show', 'GHSA-35jh-r3h4-6jhm', '--json'])).json();
    expect(bulletin.cves).toEqual(['CVE-2021-23337']);

    const byName = await standing(db, 'GHSA-35jh-r3h4-6jhm');
    expect(byName['shop-web']!.status).toBe('affected');
    expect(byName['shop-web']!.reasons.join(' ')).toMatch(/lodash 4\.17\.20/);
    expect(byName['shop-api']!.status).toBe('not_affected');
    expect(byName['shop-batch']!.status).toBe('unknown');
  });
});

describe('OSV: GHSA-735f-pc8j-v9w8 (protobuf), RubyGems ranges with prereleases, Gem::Version rules', () => {
  // Expected, written before the code (issue 9, third session; every gem range was unknown before): against
  // complete CycloneDX SBOMs listing google-protobuf as a gem, 4.27.4 is affected (in >=4.0.0.rc.1 <4.27.5);
  // 4.28.0.rc.1 is affected (the introduced prerelease itself); 4.28.0.beta.1 is not (a beta sorts below rc in
  // Gem::Version, so it is below the range and above 3.25.5); 3.25.5 and 4.28.2 are not (the fixed versions);
  // "4.28..2" is unknown: Gem::Version refuses it ("1..2" is in its invalid list), so no range can be tested.
  it('orders gem versions by Gem::Version, prereleases included, and keeps an unreadable version unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const hosts: [string, string][] = [
      ['ruby-1', '4.27.4'],
      ['ruby-2', '4.28.0.rc.1'],
      ['ruby-3', '4.28.0.beta.1'],
      ['ruby-4', '3.25.5'],
      ['ruby-5', '4.28.2'],
      ['ruby-6', '4.28..2'],
    ];
    const cmdb = write(
      dir,
      'cmdb.csv',
      [
        'sys_id,name,ip_address,install_status',
        ...hosts.map(([name], i) => `r${i},${name},10.20.5.${i + 1},1`),
        '',
      ].join('\n'),
    );
    const gemSbom = (app: string, version: string) => {
      const bom = sbom(app, [['google-protobuf', version]], true);
      bom.components[0]!.purl = `pkg:gem/google-protobuf@${version}`;
      return bom;
    };
    const db = await imported([
      [osv('GHSA-735f-pc8j-v9w8.json'), cmdb],
      ...hosts.map(([name, version]) => [write(dir, `${name}.cdx.json`, gemSbom(name, version)), '--asset', name]),
    ]);
    const byName = await standing(db, 'GHSA-735f-pc8j-v9w8');
    expect(Object.fromEntries(hosts.map(([name]) => [name, byName[name]!.status]))).toEqual({
      'ruby-1': 'affected',
      'ruby-2': 'affected',
      'ruby-3': 'not_affected',
      'ruby-4': 'not_affected',
      'ruby-5': 'not_affected',
      'ruby-6': 'unknown',
    });
    expect(byName['ruby-1']!.reasons.join(' ')).toMatch(/4\.27\.4 is in vers:gem\/>=4\.0\.0\.rc\.1\|<4\.27\.5/);
    expect(byName['ruby-6']!.reasons.join(' ')).toMatch(/cannot be ordered in the gem scheme/);
  });
});

describe('OSV: USN-5844-1 (openssl), fixed builds per Ubuntu release, dpkg version rules', () => {
  it('calls an earlier build on the same release affected, and compares no build with another release’s fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const cmdb = write(
      dir,
      'cmdb.csv',
      [
        'sys_id,name,ip_address,os,os_version,install_status',
        'u1,jammy-1,10.20.2.1,Ubuntu,22.04,1',
        'u2,jammy-2,10.20.2.2,Ubuntu,22.04,1',
        'u3,focal-1,10.20.2.3,Ubuntu,20.04,1',
        'u4,noos-1,10.20.2.4,,,1',
        '',
      ].join('\n'),
    );
    const deb = (name: string, rows: [string, string, string][]) => write(dir, name, debPackages(rows));
    const db = await imported([
      [osv('USN-5844-1.json'), cmdb],
      [
        deb('j1.json', [
          ['libssl3', '3.0.2-0ubuntu1.7', 'openssl'],
          ['bash', '5.1-6ubuntu1', ''],
        ]),
        '--asset',
        'jammy-1',
      ],
      [
        deb('j2.json', [
          ['libssl3', '3.0.2-0ubuntu1.8', 'openssl'],
          ['openssl', '3.0.2-0ubuntu1.8', ''],
        ]),
        '--asset',
        'jammy-2',
      ],
      [deb('f1.json', [['libssl1.1', '1.1.1f-1ubuntu2.17', 'openssl']]), '--asset', 'focal-1'],
      [deb('n1.json', [['libssl1.1', '1.1.1f-1ubuntu2.17', 'openssl']]), '--asset', 'noos-1'],
    ]);
    const bulletin = (await patchcall(['--db', db, 'bulletin', 'show', 'USN-5844-1', '--json'])).json();
    expect(bulletin.cves).toEqual(expect.arrayContaining(['CVE-2023-0286', 'CVE-2022-4450', 'CVE-2023-0401']));

    const byName = await standing(db, 'USN-5844-1');
    expect(byName['jammy-1']!.status).toBe('affected');
    expect(byName['jammy-1']!.reasons.join(' ')).toMatch(/below the fixed build 3\.0\.2-0ubuntu1\.8/);
    expect(byName['jammy-2']!.status).toBe('patched');
    expect(byName['focal-1']!.status).toBe('patched');
    expect(byName['noos-1']!.status).toBe('unknown');
    expect(byName['noos-1']!.reasons.join(' ')).toMatch(/only/);
  });

  it('calls a host on a release the notice does not list unknown, unless its complete inventory rules it out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const cmdb = write(
      dir,
      'cmdb.csv',
      [
        'sys_id,name,ip_address,os,os_version,install_status',
        'n1,noble-1,10.20.4.1,Ubuntu,24.04,1',
        'n2,noble-2,10.20.4.2,Ubuntu,24.04,1',
        'n3,noble-3,10.20.4.3,Ubuntu,24.04,1',
        'w1,win-1,10.20.4.4,Windows Server 2019 Standard,,1',
        '',
      ].join('\n'),
    );
    const deb = (name: string, rows: [string, string, string][]) => write(dir, name, debPackages(rows));
    const db = await imported([
      [osv('USN-5844-1.json'), cmdb],
      [deb('n1.json', [['libssl3', '3.0.13-0ubuntu3.1', 'openssl']]), '--asset', 'noble-1'],
      [deb('n2.json', [['bash', '5.2.21-2ubuntu4', '']]), '--asset', 'noble-2'],
    ]);
    const byName = await standing(db, 'USN-5844-1');
    expect(byName['noble-1']!.status).toBe('unknown');
    expect(byName['noble-1']!.reasons.join(' ')).toMatch(
      /libssl3 3\.0\.13-0ubuntu3\.1 .*USN-5844-1 speaks for Ubuntu 18\.04, Ubuntu 20\.04, Ubuntu 22\.04 only, not for OS "Ubuntu 24\.04"/,
    );
    expect(byName['noble-2']!.status).toBe('not_affected');
    expect(byName['noble-2']!.reasons.join(' ')).toMatch(/the complete deb inventory .* lists none of/);
    expect(byName['noble-3']!.status).toBe('unknown');
    expect(byName['noble-3']!.reasons.join(' ')).toMatch(
      /USN-5844-1 speaks for Ubuntu 18\.04, Ubuntu 20\.04, Ubuntu 22\.04 only, not for OS "Ubuntu 24\.04".*no complete deb or sbom inventory for noble-3/,
    );
    expect(byName['win-1']!.status).toBe('not_affected');
    expect(byName['win-1']!.reasons.join(' ')).toMatch(/is not a platform of USN-5844-1's deb products/);
  });

  it('reads a Debian record by source package and release, point releases included', async () => {
    // written for this test in the shape of Debian's OSV export (DSA-5514-1 names only the source package, glibc);
    // the real record is not among the stored files
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const record = write(dir, 'DSA-5514-1.json', {
      id: 'DSA-5514-1',
      modified: '2023-10-03T00:00:00Z',
      published: '2023-10-03T00:00:00Z',
      upstream: ['CVE-2023-4911'],
      summary: 'glibc - security update',
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: 'glibc' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }] }],
        },
      ],
    });
    const cmdb = write(
      dir,
      'cmdb.csv',
      'sys_id,name,ip_address,os,os_version,install_status\nd1,bookworm-1,10.20.3.1,Debian,12.5,1\nd2,bookworm-2,10.20.3.2,Debian GNU/Linux 12 (bookworm),,1\n',
    );
    const deb = (name: string, version: string) =>
      write(
        dir,
        `${name}.json`,
        debPackages([
          ['libc6', version, 'glibc'],
          ['libc-bin', version, 'glibc'],
        ]),
      );
    const db = await imported([
      [record, cmdb],
      [deb('b1', '2.36-9+deb12u1'), '--asset', 'bookworm-1'],
      [deb('b2', '2.36-9+deb12u3'), '--asset', 'bookworm-2'],
    ]);
    const byName = await standing(db, 'DSA-5514-1');
    expect(byName['bookworm-1']!.status).toBe('affected');
    expect(byName['bookworm-1']!.reasons.join(' ')).toMatch(
      /libc6 2\.36-9\+deb12u1 .* below the fixed build 2\.36-9\+deb12u3/,
    );
    expect(byName['bookworm-2']!.status).toBe('patched');
  });

  it('reads DSA-3029-1 (nginx, wheezy) as Debian means it, and says a jessie host is beyond what it speaks for', async () => {
    // Expected, written before the code: wheezy-1 (Debian 7, nginx-full 1.2.1-2.2+wheezy2, source nginx) affected;
    // wheezy-2 (1.2.1-2.2+wheezy3) patched; jessie-1 (Debian 8, nginx-full 1.6.2-5) unknown: the record lists the
    // wheezy fix only (jessie's 1.6.2-1 is in its prose, not in its data), so it does not say whether jessie's build
    // is affected.
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const cmdb = write(
      dir,
      'cmdb.csv',
      [
        'sys_id,name,ip_address,os,os_version,install_status',
        'd1,wheezy-1,10.20.6.1,Debian,7,1',
        'd2,wheezy-2,10.20.6.2,Debian,7,1',
        'd3,jessie-1,10.20.6.3,Debian,8,1',
        '',
      ].join('\n'),
    );
    const deb = (host: string, version: string) =>
      write(
        dir,
        `${host}.json`,
        debPackages([
          ['nginx-full', version, 'nginx'],
          ['nginx-common', version, 'nginx'],
        ]),
      );
    const db = await imported([
      [osv('DSA-3029-1.json'), cmdb],
      [deb('wheezy-1', '1.2.1-2.2+wheezy2'), '--asset', 'wheezy-1'],
      [deb('wheezy-2', '1.2.1-2.2+wheezy3'), '--asset', 'wheezy-2'],
      [deb('jessie-1', '1.6.2-5'), '--asset', 'jessie-1'],
    ]);
    const byName = await standing(db, 'DSA-3029-1');
    expect(byName['wheezy-1']!.status).toBe('affected');
    expect(byName['wheezy-1']!.reasons.join(' ')).toMatch(
      /nginx-\w+ 1\.2\.1-2\.2\+wheezy2 .*below the fixed build 1\.2\.1-2\.2\+wheezy3/,
    );
    expect(byName['wheezy-2']!.status).toBe('patched');
    expect(byName['jessie-1']!.status).toBe('unknown');
    expect(byName['jessie-1']!.reasons.join(' ')).toMatch(/DSA-3029-1 speaks for Debian 7 only, not for OS "Debian 8"/);
  });

  it('refuses a withdrawn record, naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-osv-'));
    const record = write(dir, 'withdrawn.json', {
      id: 'GHSA-0000-0000-0000',
      modified: '2024-01-01T00:00:00Z',
      withdrawn: '2024-01-02T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'left-pad' } }],
    });
    const result = await patchcall(['--db', tempDbPath(), 'import', record]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/withdrawn\.json \(at \/withdrawn\): GHSA-0000-0000-0000 was withdrawn/);
  });
});
