import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseFormat } from '../../src/app/formats';
import { sniffDocument } from '../../src/app/read-document';
import { InputError } from '../../src/common/errors';
import type { InventoryBatch } from '../../src/inventory/model';
import { createServiceNowSoftwareFormats } from '../../src/inventory/parsers/servicenow-software';
import { shippedFormats } from '../helpers/shipped-rules';

const dir = join(__dirname, '..', 'fixtures', 'inventory', 'software');
const fixturePath = (file: string) => join(dir, file);

function read(file: string, options: { asset?: string; text?: string } = {}) {
  const raw = options.text !== undefined ? Buffer.from(options.text) : readFileSync(fixturePath(file));
  const doc = sniffDocument(fixturePath(file), raw);
  return options.asset ? { ...doc, assetName: options.asset } : doc;
}

function parse(file: string, options: { asset?: string; text?: string } = {}) {
  const doc = read(file, options);
  const handler = chooseFormat(doc, undefined, shippedFormats());
  return { format: handler.format, batch: handler.parse(doc) as InventoryBatch };
}

describe('CycloneDX SBOMs', () => {
  it('refuses a Syft directory SBOM that names no host, pointing at --asset', () => {
    const doc = read('syft-app01-dir.cdx.json');
    expect(chooseFormat(doc, undefined, shippedFormats()).format).toBe('cyclonedx');
    expect(() => chooseFormat(doc, undefined, shippedFormats()).parse(doc)).toThrow(/names no host.*--asset/);
  });

  it('reads a Syft SBOM for the asset named with --asset: purls, CPEs, RPM epochs, maven groups; files left out', () => {
    const { batch } = parse('syft-app01-dir.cdx.json', { asset: 'app01' });
    expect(batch.assets).toHaveLength(1);
    const [asset] = batch.assets;
    expect(asset!.name).toBe('app01');
    const byName = Object.fromEntries(asset!.software.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      '@loopback/rest',
      'openssl-libs',
      'org.apache.logging.log4j:log4j-core',
      'rhel',
      'tomcat',
    ]);
    expect(byName.tomcat).toMatchObject({
      version: '1:9.0.62-37.el8',
      vendor: 'Red Hat, Inc.',
      kind: 'os-package',
      packageManager: 'rpm',
      inventory: 'sbom',
      purl: expect.stringMatching(/^pkg:rpm\/redhat\/tomcat@9\.0\.62-37\.el8\?/),
    });
    expect(byName['org.apache.logging.log4j:log4j-core']).toMatchObject({
      version: '2.14.1',
      packageManager: 'maven',
      kind: 'library',
      cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*',
      location: '/opt/orders/lib/log4j-core-2.14.1.jar',
    });
    expect(byName['@loopback/rest']).toMatchObject({
      version: '8.0.0',
      packageManager: 'npm',
      purl: 'pkg:npm/%40loopback/rest@8.0.0',
    });
    expect(byName.rhel).toMatchObject({
      kind: 'operating-system',
      cpe: 'cpe:2.3:o:redhat:enterprise_linux:8.6:*:*:*:*:*:*:*',
    });
    expect(asset!.softwareInventories).toEqual([
      expect.objectContaining({
        kind: 'sbom',
        complete: false,
        completeBecause: expect.stringMatching(/no compositions/),
      }),
    ]);
  });

  it('ties a host SBOM through metadata.component, walks nested components, skips excluded ones, reads completeness', () => {
    const { batch } = parse('app02-host-complete.cdx.json');
    const [asset] = batch.assets;
    expect(asset!.name).toBe('app02');
    const names = asset!.software.map((s) => s.name).sort();
    expect(names).toEqual(['com.example:orders-web', 'openssl', 'org.apache.logging.log4j:log4j-core', 'ubuntu']);
    expect(asset!.software.find((s) => s.name.endsWith('log4j-core'))!.location).toMatch(
      /orders-web\.war\/WEB-INF\/lib/,
    );
    expect(asset!.softwareInventories[0]).toMatchObject({
      kind: 'sbom',
      complete: true,
      subject: 'device app02.corp.example',
      takenAt: '2026-12-02T06:30:00+00:00',
    });
  });

  it('is incomplete when the complete composition covers only some components, or another aggregate is declared', () => {
    const bom = JSON.parse(readFileSync(fixturePath('app02-host-complete.cdx.json'), 'utf8'));
    bom.compositions = [{ aggregate: 'complete', assemblies: ['pkg:maven/junit/junit@4.13.2'] }];
    let inventory = parse('partial.cdx.json', { text: JSON.stringify(bom) }).batch.assets[0]!.softwareInventories[0]!;
    expect(inventory.complete).toBe(false);
    expect(inventory.completeBecause).toMatch(/cover 1 of 5 components/);
    bom.compositions = [{ aggregate: 'incomplete_first_party_only' }];
    inventory = parse('partial.cdx.json', { text: JSON.stringify(bom) }).batch.assets[0]!.softwareInventories[0]!;
    expect(inventory).toMatchObject({
      complete: false,
      completeBecause: expect.stringMatching(/incomplete_first_party_only/),
    });
  });

  it('refuses an unsupported spec version and a bad purl, naming the place', () => {
    const bom = JSON.parse(readFileSync(fixturePath('app02-host-complete.cdx.json'), 'utf8'));
    expect(() => parse('old.cdx.json', { text: JSON.stringify({ ...bom, specVersion: '1.2' }) })).toThrow(
      /specVersion "1.2"/,
    );
    bom.components[1].purl = 'not a purl';
    try {
      parse('bad.cdx.json', { text: JSON.stringify(bom) });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/\/components\/1\/purl/);
    }
  });
});

describe('SPDX 2.3 SBOMs', () => {
  it('reads a Syft SPDX document for --asset, complete because the root CONTAINS every package', () => {
    const { format, batch } = parse('syft-web03-dir.spdx.json', { asset: 'web03' });
    expect(format).toBe('spdx');
    const [asset] = batch.assets;
    expect(asset!.name).toBe('web03');
    expect(asset!.software.map((s) => s.name).sort()).toEqual(['Django', 'apache2', 'libssl1.1']);
    const apache = asset!.software.find((s) => s.name === 'apache2')!;
    expect(apache).toMatchObject({
      version: '2.4.56-1~deb11u2',
      packageManager: 'deb',
      kind: 'os-package',
      vendor: 'Debian Apache Maintainers <debian-apache@lists.debian.org>',
      cpe: 'cpe:2.3:a:apache:http_server:2.4.56-1\\~deb11u2:*:*:*:*:*:*:*',
    });
    expect(asset!.software.find((s) => s.name === 'Django')).toMatchObject({
      packageManager: 'pypi',
      purl: 'pkg:pypi/django@3.2.12',
    });
    expect(asset!.softwareInventories[0]).toMatchObject({
      kind: 'sbom',
      complete: true,
      takenAt: '2026-12-01T10:04:12Z',
    });
  });

  it('is incomplete when a package is not CONTAINed by the root, or the root asserts NOASSERTION', () => {
    const spdx = JSON.parse(readFileSync(fixturePath('syft-web03-dir.spdx.json'), 'utf8'));
    spdx.relationships = spdx.relationships.filter(
      (r: { relatedSpdxElement: string }) => !r.relatedSpdxElement.includes('Django'),
    );
    let inventory = parse('x.spdx.json', { text: JSON.stringify(spdx), asset: 'web03' }).batch.assets[0]!
      .softwareInventories[0]!;
    expect(inventory.complete).toBe(false);
    expect(inventory.completeBecause).toMatch(/1 of 4 packages are not CONTAINed.*Django/);
    spdx.relationships.push({
      spdxElementId: 'SPDXRef-DocumentRoot-Directory-.',
      relatedSpdxElement: 'NOASSERTION',
      relationshipType: 'CONTAINS',
    });
    inventory = parse('x.spdx.json', { text: JSON.stringify(spdx), asset: 'web03' }).batch.assets[0]!
      .softwareInventories[0]!;
    expect(inventory.completeBecause).toMatch(/NOASSERTION/);
  });

  it('takes the host from a described DEVICE package, and refuses a document that names none', () => {
    const spdx = JSON.parse(readFileSync(fixturePath('syft-web03-dir.spdx.json'), 'utf8'));
    expect(() => parse('x.spdx.json', { text: JSON.stringify(spdx) })).toThrow(/names no host.*--asset/);
    const root = spdx.packages.find((p: { SPDXID: string }) => p.SPDXID === 'SPDXRef-DocumentRoot-Directory-.');
    root.name = 'web03';
    root.primaryPackagePurpose = 'DEVICE';
    expect(parse('x.spdx.json', { text: JSON.stringify(spdx) }).batch.assets[0]!.name).toBe('web03');
  });
});

describe('osquery software tables', () => {
  it('reads osqueryi rpm_packages for --asset as a complete rpm inventory with epoch:version-release', () => {
    const doc = read('osqueryi-rpm_packages.json');
    expect(chooseFormat(doc, undefined, shippedFormats()).format).toBe('osquery-packages');
    expect(() => chooseFormat(doc, undefined, shippedFormats()).parse(doc)).toThrow(/names no host.*--asset/);
    const { batch } = parse('osqueryi-rpm_packages.json', { asset: 'app01' });
    const [asset] = batch.assets;
    expect(asset!.softwareInventories).toEqual([
      expect.objectContaining({ kind: 'rpm', complete: true, completeBecause: expect.stringMatching(/rpm_packages/) }),
    ]);
    const versions = Object.fromEntries(asset!.software.map((s) => [s.name, s.version]));
    expect(versions).toEqual({ tomcat: '1:9.0.62-37.el8', 'openssl-libs': '1:1.1.1k-7.el8_6', bash: '4.4.20-20.el8' });
    expect(asset!.software[0]).toMatchObject({
      purl: 'pkg:rpm/tomcat@9.0.62-37.el8?arch=noarch&epoch=1',
      packageManager: 'rpm',
    });
  });

  it('reads a results log (snapshot and event rows) per host and table', () => {
    const { batch } = parse('osquery-results-web05.json');
    expect(batch.assets).toHaveLength(1);
    const [asset] = batch.assets;
    expect(asset!.name).toBe('web05');
    expect(asset!.softwareInventories.map((i) => [i.kind, i.complete])).toEqual([
      ['deb', true],
      ['npm', true],
      ['pypi', true],
    ]);
    expect(asset!.softwareInventories[0]!.takenAt).toBe('2026-12-01T06:00:03.000Z');
    expect(asset!.software.find((s) => s.name === '@loopback/rest')).toMatchObject({
      version: '8.0.0',
      purl: 'pkg:npm/%40loopback/rest@8.0.0',
      inventory: 'npm',
    });
    expect(asset!.software.find((s) => s.name === 'libssl1.1')).toMatchObject({
      version: '1.1.1n-0+deb11u5',
      inventory: 'deb',
    });
    expect(asset!.software.find((s) => s.name === 'Django')).toMatchObject({ purl: 'pkg:pypi/django@3.2.12' });
  });

  it('reads Windows programs and chocolatey packages, with no purl invented for a program name', () => {
    const programs = parse('osqueryi-programs-fs03.json', { asset: 'fs03' }).batch.assets[0]!;
    expect(programs.softwareInventories[0]).toMatchObject({ kind: 'windows-programs', complete: true });
    const flash = programs.software.find((s) => s.name === 'Adobe Flash Player 32 NPAPI')!;
    expect(flash).toMatchObject({
      version: '32.0.0.207',
      vendor: 'Adobe',
      installedOn: '2019-06-11',
      kind: 'application',
    });
    expect(flash.purl).toBeUndefined();
    const choco = parse('osqueryi-chocolatey_packages.json', { asset: 'fs03' }).batch.assets[0]!;
    expect(choco.softwareInventories[0]!.kind).toBe('chocolatey');
    expect(choco.software.map((s) => s.name)).toEqual(['firefox', 'notepadplusplus.install']);
  });
});

describe('ServiceNow software installations (cmdb_sam_sw_install)', () => {
  it('reads the CSV export per host, incomplete unless the organization says otherwise', () => {
    const { format, batch } = parse('sn-sam-sw-install.csv');
    expect(format).toBe('servicenow-software-csv');
    expect(batch.assets.map((a) => a.name)).toEqual(['app01', 'fs03']);
    const app01 = batch.assets[0]!;
    expect(app01.software[0]).toMatchObject({
      name: 'Apache Tomcat 9',
      version: '9.0.62',
      vendor: 'Apache Software Foundation',
      installedOn: '2024-11-26T08:11:54Z',
      inventory: 'software-installations',
    });
    expect(app01.software[0]!.source.locator).toBe('line 2');
    expect(app01.softwareInventories[0]).toMatchObject({
      complete: false,
      completeBecause: expect.stringMatching(/cmdb-mapping\.yaml/),
    });
  });

  it('reads the Table API JSON with reference fields, complete when the mapping declares it', () => {
    const [, json] = createServiceNowSoftwareFormats({ complete: true, because: 'SCCM discovery covers every server' });
    const doc = read('sn-sam-sw-install.table-api.json');
    expect(json!.detect(doc)).toBe(true);
    const batch = json!.parse(doc);
    expect(batch.assets.map((a) => a.name)).toEqual(['sql01']);
    expect(batch.assets[0]!.software.map((s) => s.name)).toEqual([
      'Microsoft SQL Server 2019 (64-bit)',
      'Microsoft Exchange Server 2016 Cumulative Update 23',
    ]);
    expect(batch.assets[0]!.softwareInventories[0]).toMatchObject({
      complete: true,
      completeBecause: 'SCCM discovery covers every server',
    });
  });

  it('refuses a row without a host, naming its line', () => {
    const text = 'installed_on,display_name,version\napp01,Tomcat,9.0.62\n,Orphan,1.0\n';
    expect(() => parse('x.csv', { text })).toThrow(/line 3|installed_on is empty/);
  });
});

describe('nmap -sV services as software evidence', () => {
  it('adds products with their application CPEs, and an inventory that is never complete', () => {
    const scan = join(__dirname, '..', 'fixtures', 'nmap', 'loopback_sV_1-10000.xml');
    const doc = sniffDocument(scan, readFileSync(scan));
    const batch = chooseFormat(doc, undefined, shippedFormats()).parse(doc) as InventoryBatch;
    const [asset] = batch.assets;
    const samba = asset!.software.find((s) => /samba/i.test(s.name));
    expect(samba).toMatchObject({
      kind: 'service',
      inventory: 'service-scan',
      cpe: expect.stringMatching(/^cpe:2\.3:a:samba:samba/),
    });
    expect(asset!.softwareInventories).toEqual([
      expect.objectContaining({
        kind: 'service-scan',
        complete: false,
        completeBecause: expect.stringMatching(/never a complete/),
      }),
    ]);
  });
});
