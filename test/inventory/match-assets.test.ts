import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RulesFolder } from '../../src/app/rules-folder';
import { handwrittenFormat } from '../../src/bulletins/parsers/handwritten';
import { mergeBulletin } from '../../src/bulletins/merge-bulletin';
import type { Bulletin, ProductEntry } from '../../src/bulletins/model';
import { compareCpe, toCpe23 } from '../../src/inventory/cpe';
import { matchAssets } from '../../src/inventory/match-assets';
import { newAsset } from '../../src/inventory/merge-assets';
import type { Asset } from '../../src/inventory/model';
import { normalizeOs } from '../../src/inventory/normalize-os';
import { inventorySource } from '../../src/inventory/inventory-source';
import { shippedNames } from '../helpers/shipped-rules';

const text = readFileSync(join(__dirname, '..', '..', 'db', 'seed', 'ms08-067.bulletin.yaml'), 'utf8');
const batch = handwrittenFormat.parse({ name: 'ms08-067.bulletin.yaml', text });
const ms08067 = mergeBulletin('MS08-067', batch.advisories, [], RulesFolder.load().get('releaseCalendars'));
const source = inventorySource('servicenow-cmdb', 'cmdb.csv', 'line 2');

function host(name: string, osName?: string, servicePack?: string, extra: Partial<Asset> = {}): Asset {
  const asset = newAsset({ id: name, name, sources: [source], ...extra });
  if (osName)
    asset.os = {
      raw: osName,
      ...normalizeOs(shippedNames(), osName, servicePack),
      confidence: 100,
      method: 'inventory',
      source,
    };
  return asset;
}

function statusOf(asset: Asset, bulletin: Bulletin = ms08067) {
  return matchAssets(bulletin, [asset], { names: shippedNames() })[0]!;
}

describe('OS names to CPE 2.3', () => {
  it.each([
    ['Microsoft Windows Server 2003 SP2', undefined, 'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*'],
    [
      'Windows Server 2003, Standard Edition',
      'Service Pack 2',
      'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*',
    ],
    ['Windows 2000 Server', 'SP4', 'cpe:2.3:o:microsoft:windows_2000:-:sp4:*:*:*:*:*:*'],
    ['cpe:/o:microsoft:windows_2000::sp4', undefined, 'cpe:2.3:o:microsoft:windows_2000:*:sp4:*:*:*:*:*:*'],
    [
      'Microsoft Windows Server 2008 R2 Standard',
      'Service Pack 1',
      'cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*',
    ],
    ['Windows 6.1', undefined, 'cpe:2.3:o:microsoft:windows_7:-:*:*:*:*:*:*:*'],
    [
      'Windows Server 2008 for x64-based Systems Service Pack 2',
      undefined,
      'cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:x64:*',
    ],
  ])('%s + %s → %s', (name, sp, cpe) => {
    expect(normalizeOs(shippedNames(), name, sp).cpe).toBe(cpe);
  });

  it('converts CPE 2.2 URIs and leaves unknown names unmapped', () => {
    expect(toCpe23('cpe:/o:microsoft:windows_server_2003::sp2')).toBe(
      'cpe:2.3:o:microsoft:windows_server_2003:*:sp2:*:*:*:*:*:*',
    );
    expect(normalizeOs(shippedNames(), 'HP-UX 11i').cpe).toBeUndefined();
  });

  it('compares CPEs: the update field decides, the architecture narrows only when both sides state it', () => {
    expect(
      compareCpe(
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*',
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp1:*:*:*:*:*:*',
      ),
    ).toEqual({ outcome: 'no-match', differs: 'update sp1 ≠ sp2' });
    expect(
      compareCpe(
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:x64:*',
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*',
      ).outcome,
    ).toBe('match');
    expect(
      compareCpe(
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:x64:*',
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:itanium:*',
      ).outcome,
    ).toBe('no-match');
    expect(
      compareCpe(
        'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*',
        'cpe:2.3:o:microsoft:windows_server_2003:-:*:*:*:*:*:*:*',
      ),
    ).toEqual({ outcome: 'possible', unknown: ['update'] });
  });
});

describe('matchAssets against MS08-067', () => {
  it('finds Windows Server 2003 SP1/SP2, 2000 SP4 and Server 2008 affected', () => {
    expect(statusOf(host('a', 'Windows Server 2003', 'Service Pack 1')).status).toBe('affected');
    expect(statusOf(host('b', 'Microsoft Windows Server 2003 SP2')).matchedProducts).toContain(
      'Windows Server 2003 Service Pack 2',
    );
    expect(statusOf(host('c', 'Windows 2000 Server', 'Service Pack 4')).status).toBe('affected');
    expect(statusOf(host('d', 'Windows Server 2008 Enterprise x64')).matchedProducts).toEqual([
      'Windows Server 2008 for x64-based Systems',
    ]);
  });

  it('does not count Server 2008 R2, Windows 7, "Windows 6.1", Windows 2000 SP3 or Samba as affected', () => {
    expect(statusOf(host('r2', 'Windows Server 2008 R2 Standard', 'Service Pack 1')).status).toBe('not_affected');
    expect(statusOf(host('w7', 'Windows 7 Professional')).status).toBe('not_affected');
    const nt61 = statusOf(host('nt61', 'Windows 6.1'));
    expect(nt61.status).toBe('not_affected');
    expect(nt61.reasons[0]).toMatch(/NT 6\.1 is Windows 7 or Windows Server 2008 R2/);
    expect(statusOf(host('sp3', 'Windows 2000 Server', 'Service Pack 3')).status).toBe('not_affected');
    const samba = host('samba');
    samba.os = {
      raw: 'Samba 4.17.12-Debian (answers SMB as "Windows 6.1")',
      cpe: 'cpe:2.3:a:samba:samba:4.17.12:*:*:*:*:*:*:*',
      confidence: 95,
      method: 'smb',
      source,
    };
    expect(statusOf(samba).status).toBe('not_affected');
  });

  it('counts an OS whose service pack the inventory does not give as possibly affected (with the unknowns), and says so', () => {
    const sp2Only = {
      ...ms08067,
      products: ms08067.products.filter((p) => p.name === 'Windows Server 2003 Service Pack 2'),
    };
    const match = statusOf(host('nosp', 'Windows Server 2003'), sp2Only);
    expect(match.status).toBe('unknown');
    expect(match.possiblyAffected).toBe(true);
    expect(match.reasons[0]).toMatch(
      /possibly matches "Windows Server 2003 Service Pack 2" \(bulletin: ms08-067\.bulletin\.yaml \/products\/6\) \(update not known for the asset\)/,
    );
  });

  it('puts retired before patched before unknown, and never drops a host without an OS', () => {
    const fix = { id: 'KB958644', source: inventorySource('get-hotfix', 'hotfixes.csv', 'line 3') };
    expect(statusOf(host('old', 'Windows 2000 Server', 'SP4', { retired: true, installedFixes: [fix] })).status).toBe(
      'retired',
    );
    expect(statusOf(host('done', 'Windows 2000 Server', 'SP4', { installedFixes: [fix] }))).toMatchObject({
      status: 'patched',
      reasons: ['KB958644 is installed according to get-hotfix: hotfixes.csv line 3'],
    });
    expect(statusOf(host('blank')).status).toBe('unknown');
    expect(statusOf(host('odd', 'OpenVMS 8.3')).reasons[0]).toMatch(/not in the OS name table/);
  });
});

describe('matchAssets against other bulletin shapes', () => {
  const product = (fields: Partial<ProductEntry>): ProductEntry => ({
    name: 'p',
    status: 'affected',
    cves: [],
    source: { format: 'nvd', document: 'nvd.json' },
    ...fields,
  });
  const bulletin = (products: ProductEntry[]): Bulletin => ({ ...ms08067, id: 'X', products, fixIds: [] });

  it('applies NVD version ranges to version-numbered products', () => {
    const b = bulletin([
      product({
        name: 'Debian 4 to 5',
        cpe: 'cpe:2.3:o:debian:debian_linux:*:*:*:*:*:*:*:*',
        versionStartIncluding: '4.0',
        versionEndExcluding: '5.0',
      }),
    ]);
    expect(statusOf(host('etch', 'Debian GNU/Linux 4.0'), b).status).toBe('affected');
    expect(statusOf(host('lenny', 'Debian GNU/Linux 5.0'), b).status).toBe('not_affected');
  });

  it('reads CSAF product names (no CPE helper) and honours known_not_affected', () => {
    const b = bulletin([
      product({
        name: 'Windows Server 2008 for x64-based Systems Service Pack 2',
        productId: '11',
        source: { format: 'csaf', document: 'csaf.json' },
      }),
      product({
        name: 'Windows Server 2008 R2 for x64-based Systems Service Pack 1',
        productId: '12',
        status: 'not_affected',
        source: { format: 'csaf', document: 'csaf.json' },
      }),
    ]);
    expect(statusOf(host('w8', 'Windows Server 2008 x64', 'Service Pack 2'), b).status).toBe('affected');
    const r2 = statusOf(host('r2', 'Windows Server 2008 R2 x64', 'Service Pack 1'), b);
    expect(r2.status).toBe('not_affected');
    expect(r2.reasons[0]).toMatch(
      /is listed as not affected "Windows Server 2008 R2 for x64-based Systems Service Pack 1" \(csaf: csaf\.json\)/,
    );
  });

  it('never calls a host without a software inventory unaffected by a package advisory, and says what is missing', () => {
    const b = bulletin([product({ name: 'libfoo', purl: 'pkg:deb/debian/libfoo@1.0' })]);
    const match = statusOf(host('etch', 'Debian GNU/Linux 4.0'), b);
    expect(match.status).toBe('unknown');
    expect(match.reasons.join('\n')).toMatch(
      /no complete deb or sbom inventory for etch \(no software inventory at all, only the OS\): cannot rule out 1 affected deb product: "libfoo"/,
    );
  });
});
