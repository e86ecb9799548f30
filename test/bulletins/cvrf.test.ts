import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffDocument } from '../../src/app/read-document';
import { cvrfFormat, msrcJsonFormat } from '../../src/bulletins/parsers/cvrf';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const FIXTURES = join(__dirname, '../fixtures/msrc');
const OOB_XML = join(FIXTURES, 'cvrfDocument-2016-Oct-OOB.xml');
const OOB_JSON = join(FIXTURES, 'cvrfDocument-2016-Oct-OOB.msrc.json');
const FEB_XML = join(FIXTURES, 'cvrfDocument-2026-Feb.xml');

function file(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-cvrf-')), name);
  writeFileSync(path, content);
  return path;
}

function parseFile(path: string) {
  const doc = sniffDocument(path, readFileSync(path));
  return (doc.json !== undefined ? msrcJsonFormat : cvrfFormat).parse(doc).advisories[0]!;
}

/** The facts without where they were read from, which differs between the XML and the JSON form by design. */
function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'source')
        .map(([key, v]) => [key, withoutSources(v)]),
    );
  return value;
}

async function expectNothingStored(db: string): Promise<void> {
  if (!existsSync(db)) return; // read commands refuse a database a refused import never created
  expect((await patchcall(['--db', db, 'bulletins', '--json'])).json().bulletins).toEqual([]);
  expect((await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count).toBe(0);
}

describe('MSRC CVRF XML: the October 2016 out-of-band release (with a byte-order mark)', () => {
  it('imports through the CLI and shows KB3201860, restart, supersedence and active exploitation', async () => {
    expect(readFileSync(OOB_XML).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const db = tempDbPath();
    const imported = await patchcall(['--db', db, 'import', OOB_XML]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('cvrf, advisory 2016-Oct-OOB');

    const shown = (await patchcall(['--db', db, 'bulletin', 'show', '2016-Oct-OOB', '--json'])).json();
    expect(shown.title.value).toBe('October 27, 2016 Security Update');
    expect(shown.vendor.value).toBe('Microsoft');
    expect(shown.releasedAt.value).toBe('2016-10-27T07:00:00Z');
    expect(shown.cves).toEqual(['CVE-2016-7855']);
    expect(shown.fixIds).toEqual(['KB3201860']);
    expect(shown.restartRequired.value).toBe(true);
    expect(shown.products).toHaveLength(11);
    expect(
      shown.products.every(
        (p: { status: string; vendor: string }) => p.status === 'affected' && p.vendor === 'Microsoft',
      ),
    ).toBe(true);
    expect(shown.products.map((p: { name: string }) => p.name)).toContain(
      'Adobe Flash Player on Windows Server 2012 R2',
    );
    expect(shown.exploitation).toEqual([
      {
        cve: 'CVE-2016-7855',
        status: 'active',
        evidence: 'Publicly Disclosed:No;Exploited:Yes;',
        source: {
          format: 'cvrf',
          document: OOB_XML,
          locator: '/cvrfdoc/Vulnerability[1]/Threats/Threat[17]',
          eventSeq: 1,
        },
      },
    ]);
    expect(shown.remediations.map((r: { category: string }) => r.category)).toEqual([
      ...Array(6).fill('vendor_fix'),
      'mitigation',
      'workaround',
    ]);
    expect(shown.remediations[2]).toMatchObject({
      details: '3201860',
      fixIds: ['KB3201860'],
      supersedes: ['KB3194343'],
      restartRequired: true,
      productIds: ['10384-10482', '10384-10483'],
      url: 'https://www.microsoft.com/downloads/details.aspx?familyid=480f1e78-caad-4d1a-a7e1-808b349ff642',
    });
    // the <vuln:URL /> of the RT 8.1 fix is empty, not a URL
    expect(shown.remediations[3].url).toBeUndefined();
    expect(shown.remediations[6].details).toMatch(/^<p>Mitigation refers to a setting/);
  });

  it('reads the zone-less release date as UTC and says so; keeps the MSRC id and alias', () => {
    const advisory = parseFile(OOB_XML);
    expect(advisory).toMatchObject({
      id: '2016-Oct-OOB',
      releasedAt: '2016-10-27T07:00:00Z',
      releasedAtNote: 'no time zone given; read as UTC',
      revision: '1.0',
      severity: 'Critical',
    });
    expect(advisory.notes.map((n) => n.text)).toContain('MSRC id Oct-OOB, alias 2016-Oct-27');
    expect(advisory.notes.find((n) => n.text === 'impact: Remote Code Execution')?.source.locator).toBe(
      '/cvrfdoc/Vulnerability[1]/Threats/Threat[1]',
    );
  });
});

describe('MSRC CVRF JSON: the same document as the API serves it in JSON', () => {
  it('gives the same facts as the XML form, with JSON pointers as locators', () => {
    const fromXml = parseFile(OOB_XML);
    const fromJson = parseFile(OOB_JSON);
    expect(withoutSources(fromJson)).toEqual(withoutSources(fromXml));
    expect(fromJson.source.format).toBe('msrc-json');
    expect(fromJson.remediations[0]!.source.locator).toBe('/Vulnerability/0/Remediations/0');
    expect(fromJson.exploitation[0]!.source.locator).toBe('/Vulnerability/0/Threats/16');
  });

  it('is detected as msrc-json by the CLI', async () => {
    const db = tempDbPath();
    const imported = await patchcall(['--db', db, 'import', OOB_JSON, '--json']);
    expect(imported.json().imported[0]).toMatchObject({ format: 'msrc-json', status: 'imported' });
    expect((await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2016-7855', '--json'])).json().id).toBe(
      '2016-Oct-OOB',
    );
  });
});

describe('MSRC CVRF XML: the February 2026 monthly release (1.5 MB)', () => {
  const advisory = parseFile(FEB_XML);

  it('has its 141 vulnerabilities, six exploited, and CVSS 3.1 scores', () => {
    expect(advisory.id).toBe('2026-Feb');
    expect(advisory.cves).toHaveLength(141);
    const active = advisory.exploitation
      .filter((e) => e.status === 'active')
      .map((e) => e.cve)
      .sort();
    expect(active).toEqual([
      'CVE-2026-21510',
      'CVE-2026-21513',
      'CVE-2026-21514',
      'CVE-2026-21519',
      'CVE-2026-21525',
      'CVE-2026-21533',
    ]);
    expect(advisory.exploitation.find((e) => e.cve === 'CVE-2026-21510')?.evidence).toBe(
      'Publicly Disclosed:Yes;Exploited:Yes;Latest Software Release:Exploitation Detected',
    );
    expect(advisory.exploitation.filter((e) => e.status === 'poc')).toEqual([]);
    const mariner = advisory.scores.find((s) => s.cve === 'CVE-2026-23212');
    expect(mariner).toMatchObject({
      version: '3.1',
      baseScore: 5.5,
      vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H',
      scoredBy: 'Microsoft',
    });
  });

  it('maps RestartRequired Yes/No/Maybe to true/false/unknown, and a KB-less fix to its fixed build', () => {
    const fixes = advisory.remediations.filter((r) => r.category === 'vendor_fix');
    expect(fixes).toHaveLength(549);
    expect(fixes.filter((r) => r.restartRequired === true)).toHaveLength(450);
    expect(fixes.filter((r) => r.restartRequired === false)).toHaveLength(62);
    const maybe = fixes.filter((r) => r.restartDetails === 'Maybe');
    expect(maybe).toHaveLength(37);
    expect(maybe.every((r) => r.restartRequired === undefined)).toBe(true);
    const mariner = fixes.find((r) => r.cves.includes('CVE-2026-23212'));
    expect(mariner).toMatchObject({
      details: 'CBL-Mariner Releases',
      fixIds: ['6.6.126.1-1'],
      restartRequired: false,
      productIds: ['20860-17084'],
    });
    expect(fixes.some((r) => r.fixIds.includes('KB5077181'))).toBe(true);
    expect(advisory.references.every((r) => r.tags[0] === 'release-notes')).toBe(true);
  });
});

describe('MSRC CVRF: bad input names the file and the place, and stores nothing', () => {
  const xml = readFileSync(OOB_XML, 'utf8');

  it('malformed XML: line and column', async () => {
    const db = tempDbPath();
    const broken = file('broken.xml', xml.replace('</vuln:Title>', '</vuln:Titel>'));
    const result = await patchcall(['--db', db, 'import', broken]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /broken\.xml \(line 59, column \d+\): malformed XML: Expected closing tag 'vuln:Title'/,
    );
    await expectNothingStored(db);
  });

  it('a DOCTYPE with an entity: refused before parsing', async () => {
    const db = tempDbPath();
    const withEntity = xml.replace(
      '<?xml version="1.0" encoding="utf-8"?>',
      '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE cvrfdoc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    );
    const result = await patchcall([
      '--db',
      db,
      'import',
      file('xxe.xml', withEntity.replace('Adobe Flash OOB', '&xxe;')),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/xxe\.xml \(line 2\): XML with an? (DOCTYPE|ENTITY) declaration is refused/);
    await expectNothingStored(db);
  });

  it('an odd date form: the element path and its line', async () => {
    const db = tempDbPath();
    const odd = file(
      'odd-date.xml',
      xml.replace('<cvrf:InitialReleaseDate>2016-10-27T07:00:00', '<cvrf:InitialReleaseDate>10/27/2016 07:00'),
    );
    const result = await patchcall(['--db', db, 'import', odd]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /odd-date\.xml \(line 23, at \/cvrfdoc\/DocumentTracking\/InitialReleaseDate\): "10\/27\/2016 07:00" is not an ISO 8601 date/,
    );
    await expectNothingStored(db);
  });

  it('an odd date in the JSON form: its JSON pointer', async () => {
    const db = tempDbPath();
    const json = JSON.parse(readFileSync(OOB_JSON, 'utf8'));
    json.DocumentTracking.CurrentReleaseDate = '27.10.2016';
    const result = await patchcall(['--db', db, 'import', file('odd-date.json', JSON.stringify(json))]);
    expect(result.stderr).toMatch(
      /odd-date\.json \(at \/DocumentTracking\/CurrentReleaseDate\): "27\.10\.2016" is not an ISO 8601 date/,
    );
    await expectNothingStored(db);
  });

  it('two files where the second is bad: the first is not stored either', async () => {
    const db = tempDbPath();
    const truncated = file('truncated.xml', xml.slice(0, 20000));
    const result = await patchcall(['--db', db, 'import', OOB_JSON, truncated]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/truncated\.xml \(line \d+, column \d+\): malformed XML/);
    await expectNothingStored(db);
  });
});
