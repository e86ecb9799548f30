import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCpe23 } from '../../src/common/cpe';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const FIXTURES = join(__dirname, '../fixtures/csaf');
const fixture = (name: string) => join(FIXTURES, name);
const ADVISORIES = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort();

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-csaf-')), name);
  writeFileSync(path, content);
  return path;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit arbitrary parts of real documents
function editedFixture(name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(readFileSync(fixture(name), 'utf8'));
  edit(doc);
  return file(name, JSON.stringify(doc, null, 2));
}

async function expectNothingStored(db: string): Promise<void> {
  if (!existsSync(db)) return; // read commands refuse a database a refused import never created
  expect((await patchcall(['--db', db, 'bulletins', '--json'])).json().bulletins).toEqual([]);
  expect((await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count).toBe(0);
}

describe('CSAF 2.0: all nine real advisories import', () => {
  const db = tempDbPath();
  const show = async (id: string) => (await patchcall(['--db', db, 'bulletin', 'show', id, '--json'])).json();

  beforeAll(async () => {
    const imported = await patchcall(['--db', db, 'import', ...ADVISORIES.map(fixture), '--json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
  });

  it('stores one csaf advisory per document, under its tracking id', async () => {
    const list = (await patchcall(['--db', db, 'bulletins', '--json'])).json().bulletins;
    expect(list.map((b: { id: string }) => b.id).sort()).toEqual([
      'BSI-2022-0001',
      'CIQSA-LTS-8-6-2026:0019',
      'CVE-2023-0044',
      'ICSA-24-004-02',
      'ICSA-24-289-02',
      'RHSA-2023:5835',
      'SSA-054046',
      'VA-24-201-01',
      'cisco-sa-20180328-smi2',
    ]);
    expect((await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count).toBe(9);
  });

  it('RHSA-2023:5835: KEV evidence as active exploitation, no restart, errata id, relationship products', async () => {
    const rhsa = await show('RHSA-2023:5835');
    expect(rhsa.vendor.value).toBe('Red Hat');
    // JSON carries UTC with Z, whatever offset the advisory wrote
    expect(rhsa.releasedAt.value).toBe('2023-10-18T07:59:41.000Z');
    expect(rhsa.cves).toEqual(['CVE-2023-39325', 'CVE-2023-44487']);
    expect(rhsa.exploitation).toEqual([
      {
        cve: 'CVE-2023-44487',
        status: 'active',
        evidence: 'CISA: https://www.cisa.gov/known-exploited-vulnerabilities-catalog',
        date: '2023-10-10T00:00:00.000Z',
        source: {
          format: 'csaf',
          document: fixture('rhsa-2023_5835.json'),
          locator: '/vulnerabilities/1/threats/0',
          eventSeq: expect.any(Number),
        },
      },
    ]);
    expect(rhsa.fixIds).toEqual(['RHSA-2023:5835']);
    expect(rhsa.restartRequired).toEqual({
      value: false,
      source: expect.objectContaining({ locator: '/vulnerabilities/0/remediations/0' }),
    });
    const fix = rhsa.remediations[0];
    expect(fix).toMatchObject({
      category: 'vendor_fix',
      url: 'https://access.redhat.com/errata/RHSA-2023:5835',
      restartDetails: 'none',
      cves: ['CVE-2023-39325'],
    });
    expect(fix.productIds).toHaveLength(6);
    expect(
      rhsa.scores.map((s: { cve: string; version: string; baseScore: number }) => [s.cve, s.version, s.baseScore]),
    ).toEqual([
      ['CVE-2023-39325', '3.1', 7.5],
      ['CVE-2023-44487', '3.1', 7.5],
    ]);
    // a relationship product takes the package's purl and the platform's CPE, converted from 2.2
    const worker = rhsa.products.find(
      (p: { productId: string }) => p.productId === '7Client-7.9.Z:rhc-worker-script-0:0.5-1.el7_9.src',
    );
    expect(worker).toMatchObject({
      status: 'fixed',
      vendor: 'Red Hat',
      purl: 'pkg:rpm/redhat/rhc-worker-script@0.5-1.el7_9?arch=src',
      cpeRaw: 'cpe:/o:redhat:enterprise_linux:7::client',
      cpe: 'cpe:2.3:o:redhat:enterprise_linux:7:*:client:*:*:*:*:*',
      cves: ['CVE-2023-39325', 'CVE-2023-44487'],
    });
  });

  it('BSI-2022-0001: vendor_fix with its date (in UTC), CPEs, first_fixed as fixed', async () => {
    const bsi = await show('BSI-2022-0001');
    expect(bsi.vendor.value).toBe('CSAF Tools');
    expect(bsi.remediations).toHaveLength(1);
    expect(bsi.remediations[0]).toMatchObject({
      category: 'vendor_fix',
      date: '2022-03-14T12:10:55.000Z', // 13:10:55+01:00 as the advisory wrote it
      url: 'https://github.com/csaf-tools/CVRF-CSAF-Converter/releases/tag/1.0.0-rc2',
      productIds: ['CSAFPID-0001', 'CSAFPID-0002', 'CSAFPID-0003', 'CSAFPID-0004', 'CSAFPID-0005'],
    });
    expect(bsi.remediations[0].restartRequired).toBeUndefined();
    const statuses = bsi.products
      .map((p: { productId: string; status: string }) => `${p.productId}:${p.status}`)
      .sort();
    expect(statuses).toEqual([
      'CSAFPID-0001:affected',
      'CSAFPID-0002:affected',
      'CSAFPID-0003:affected',
      'CSAFPID-0004:affected',
      'CSAFPID-0005:affected',
      'CSAFPID-0006:fixed',
    ]);
    expect(bsi.products.find((p: { productId: string }) => p.productId === 'CSAFPID-0006').cpe).toBe(
      'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2:*:*:*:*:*:*:*',
    );
    expect(bsi.scores[0]).toMatchObject({
      version: '3.1',
      baseScore: 6.1,
      scoredBy: 'Bundesamt für Sicherheit in der Informationstechnik',
    });
  });

  it('SSA-054046: vers ranges kept as written, none_available and vendor_fix', async () => {
    const ssa = await show('SSA-054046');
    expect(ssa.vendor.value).toBe('Siemens');
    expect(ssa.products).toHaveLength(138);
    expect(ssa.products[0]).toMatchObject({
      productId: '1',
      versionRange: 'vers:all/<V3.1.4',
      status: 'affected',
      cves: ['CVE-2024-46887'],
    });
    const ranges: Record<string, number> = {};
    for (const p of ssa.products) ranges[p.versionRange] = (ranges[p.versionRange] ?? 0) + 1;
    expect(ranges).toEqual({ 'vers:all/*': 84, 'vers:all/<V3.1.4': 46, 'vers:all/<V31.1.4': 7, 'vers:all/<V7.0': 1 });
    expect(ssa.remediations.map((r: { category: string }) => r.category)).toEqual([
      'none_available',
      'vendor_fix',
      'vendor_fix',
      'vendor_fix',
      'vendor_fix',
      'vendor_fix',
    ]);
    expect(ssa.remediations[1].details).toBe('Update to V3.1.4 or later version');
  });

  it('cisco-sa-20180328-smi2: vendor Cisco, 259 service_pack leaves affected, CVSS 3.0 9.8', async () => {
    const cisco = await show('cisco-sa-20180328-smi2');
    expect(cisco.vendor.value).toBe('Cisco');
    const affected = cisco.products.filter((p: { status: string }) => p.status === 'affected');
    expect(affected).toHaveLength(259);
    expect(affected[0]).toMatchObject({
      productId: 'CVRFPID-103559',
      name: 'Cisco IOS 12.2EY 12.2(55)EY',
      vendor: 'Cisco',
    });
    expect(affected[0].source.locator).toBe('/vulnerabilities/0/product_status/known_affected/0');
    expect(cisco.scores).toEqual([
      expect.objectContaining({
        cve: 'CVE-2018-0171',
        version: '3.0',
        baseScore: 9.8,
        vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      }),
    ]);
    expect(cisco.remediations).toEqual([expect.objectContaining({ category: 'workaround', fixIds: [] })]);
    expect(cisco.exploitation).toEqual([]);
  });

  it('CVE-2023-0044 (csaf_vex): known_not_affected and the justification flag, none_available', async () => {
    const vex = await show('CVE-2023-0044');
    const notAffected = vex.products.filter((p: { status: string }) => p.status === 'not_affected');
    expect(notAffected.length).toBeGreaterThan(0);
    expect(
      vex.descriptions.some((n: { text: string }) => /^not affected \(vulnerable_code_not_present\): /.test(n.text)),
    ).toBe(true);
    expect(vex.remediations.map((r: { category: string }) => r.category)).toEqual([
      'vendor_fix',
      'vendor_fix',
      'workaround',
      'none_available',
    ]);
    expect(vex.fixIds).toEqual(['RHSA-2023:1006', 'RHSA-2023:0758']);
  });

  it('ICSA-24-289-02 and VA-24-201-01: CISA ranges as text, restart none, vendor fixes with dates, two vendors fall back to the publisher', async () => {
    const schneider = await show('ICSA-24-289-02');
    expect(schneider.vendor.value).toBe('Schneider Electric');
    expect(schneider.products.find((p: { status: string }) => p.status === 'affected').versionRange).toBe('<=8.1.1.3');
    expect(schneider.remediations.every((r: { restartRequired: boolean }) => r.restartRequired === false)).toBe(true);

    const adminer = await show('VA-24-201-01');
    expect(adminer.vendor.value).toBe('CISA');
    expect(
      adminer.remediations
        .filter((r: { category: string }) => r.category === 'vendor_fix')
        .map((r: { date: string }) => r.date),
    ).toEqual(['2024-01-25T14:58:00.000Z', '2024-01-25T14:58:00.000Z', '2023-10-17T21:19:00.000Z']);
  });
});

describe('CSAF 2.0: product groups and exploitation wording', () => {
  it('resolves group_ids of a remediation to the group members', async () => {
    const db = tempDbPath();
    const grouped = editedFixture('bsi-2022-0001.json', (doc) => {
      doc.product_tree.product_groups = [{ group_id: 'CSAFGID-0001', product_ids: ['CSAFPID-0001', 'CSAFPID-0002'] }];
      const fix = doc.vulnerabilities[0].remediations[0];
      fix.product_ids = ['CSAFPID-0003'];
      fix.group_ids = ['CSAFGID-0001'];
      fix.details = 'Install KB958644';
    });
    expect((await patchcall(['--db', db, 'import', grouped])).code).toBe(0);
    const bsi = (await patchcall(['--db', db, 'bulletin', 'show', 'BSI-2022-0001', '--json'])).json();
    expect(bsi.remediations[0].productIds).toEqual(['CSAFPID-0003', 'CSAFPID-0001', 'CSAFPID-0002']);
    expect(bsi.fixIds).toEqual(['KB958644']);
  });

  it('reads exploit_status words: denial is none, public exploit code is poc', async () => {
    const db = tempDbPath();
    const worded = editedFixture('rhsa-2023_5835.json', (doc) => {
      doc.vulnerabilities[0].threats.push({
        category: 'exploit_status',
        details: 'A public proof-of-concept exploit is available.',
      });
      doc.vulnerabilities[1].threats[0].details = 'No known exploitation of this issue has been reported.';
    });
    expect((await patchcall(['--db', db, 'import', worded])).code).toBe(0);
    const rhsa = (await patchcall(['--db', db, 'bulletin', 'show', 'RHSA-2023:5835', '--json'])).json();
    expect(rhsa.exploitation.map((e: { cve: string; status: string }) => [e.cve, e.status])).toEqual([
      ['CVE-2023-39325', 'poc'],
      ['CVE-2023-44487', 'none'],
    ]);
  });
});

describe('CSAF 2.0: bad input names the file and the place, and stores nothing', () => {
  it('truncated JSON: line and column', async () => {
    const db = tempDbPath();
    const text = readFileSync(fixture('bsi-2022-0001.json'), 'utf8');
    const truncated = file('truncated.json', text.slice(0, 2000));
    const result = await patchcall(['--db', db, 'import', truncated]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/truncated\.json \(line \d+, column \d+\): invalid JSON: the document ends early/);
    await expectNothingStored(db);
  });

  it('a schema violation: the JSON pointer of the offending value', async () => {
    const db = tempDbPath();
    const wrong = editedFixture('ssa-054046.json', (doc) => {
      doc.vulnerabilities[0].remediations[1].category = 'patch_now';
    });
    const result = await patchcall(['--db', db, 'import', wrong]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /ssa-054046\.json \(at \/vulnerabilities\/0\/remediations\/1\/category\): not a valid CSAF 2\.0 document: must be equal to one of the allowed values/,
    );
    await expectNothingStored(db);
  });

  it('an odd date form: the pointer of the date field', async () => {
    const db = tempDbPath();
    const odd = editedFixture('bsi-2022-0001.json', (doc) => {
      doc.vulnerabilities[0].remediations[0].date = '14.03.2022';
    });
    const result = await patchcall(['--db', db, 'import', odd]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /bsi-2022-0001\.json \(at \/vulnerabilities\/0\/remediations\/0\/date\): .*date-time/,
    );
    await expectNothingStored(db);
  });

  it('two files where the second is bad: neither is stored', async () => {
    const db = tempDbPath();
    const bad = editedFixture('va-24-201-01.json', (doc) => {
      delete doc.document.tracking.id;
    });
    const result = await patchcall(['--db', db, 'import', fixture('rhsa-2023_5835.json'), bad]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /va-24-201-01\.json \(at \/document\/tracking\): not a valid CSAF 2\.0 document: missing required property "id"/,
    );
    await expectNothingStored(db);
  });
});

describe('toCpe23: CPE 2.2 URIs bound to CPE 2.3 formatted strings', () => {
  it.each([
    ['cpe:/o:redhat:enterprise_linux:7::client', 'cpe:2.3:o:redhat:enterprise_linux:7:*:client:*:*:*:*:*'],
    ['cpe:/o:microsoft:windows_xp::sp2', 'cpe:2.3:o:microsoft:windows_xp:*:sp2:*:*:*:*:*:*'],
    ['cpe:/a:Microsoft:IE:6.0:-', 'cpe:2.3:a:microsoft:ie:6.0:-:*:*:*:*:*:*'],
    ['cpe:/a:foo%21bar:baz:1.0::~~pro~windows~x64~:en', 'cpe:2.3:a:foo\\!bar:baz:1.0:*:*:en:pro:windows:x64:*'],
    ['cpe:/a:vendor:product:1.%02', 'cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*'],
    [
      'cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~',
      'cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*',
    ],
    ['cpe:2.3:a:CIQ:rocky:8.6:*:*:*:*:*:*:*', 'cpe:2.3:a:ciq:rocky:8.6:*:*:*:*:*:*:*'],
  ])('%s → %s', (uri, formatted) => {
    expect(toCpe23(uri)).toBe(formatted);
  });

  it.each(['cpe:/a:bad%zzescape', 'cpe:/x:vendor', 'cpe:/a:a:b:c:d:e:f:g', 'not a cpe', 'cpe:/a:v:p:1:u:~a~b'])(
    'refuses %s',
    (text) => {
      expect(toCpe23(text)).toBeUndefined();
    },
  );
});
