import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const FIXTURES = join(__dirname, '../fixtures/kev');
const KEV_JSON = join(FIXTURES, 'known_exploited_vulnerabilities.json');
const KEV_CSV = join(FIXTURES, 'known_exploited_vulnerabilities.csv');

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-kev-')), name);
  writeFileSync(path, content);
  return path;
}

async function eventCount(db: string): Promise<number> {
  return (await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count;
}

describe('CISA KEV catalog import', () => {
  it('imports all 1,404 entries of the JSON catalog with their KEV facts and sources', async () => {
    const db = tempDbPath();
    const imported = await patchcall(['--db', db, 'import', KEV_JSON, '--json']);
    expect(imported.code).toBe(0);
    expect(imported.json().imported[0]).toMatchObject({ format: 'kev', summary: '1404 CVE records' });

    const eternalBlue = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2017-0144', '--json'])).json();
    expect(eternalBlue.kev).toHaveLength(1);
    expect(eternalBlue.kev[0]).toMatchObject({
      dateAdded: '2022-02-10',
      dueDate: '2022-08-10',
      vendorProject: 'Microsoft',
      product: 'SMBv1',
      knownRansomwareCampaignUse: 'Known',
    });
    expect(eternalBlue.exploitation[0]).toMatchObject({
      status: 'active',
      evidence: 'listed in CISA KEV on 2022-02-10',
      date: '2022-02-10',
    });
    expect(eternalBlue.kev[0].source).toMatchObject({
      format: 'kev',
      locator: expect.stringMatching(/^\/vulnerabilities\/\d+$/),
      eventSeq: 1,
    });
  });

  it('keeps a dueDate before dateAdded as given and trims padded vendor names', async () => {
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', KEV_JSON]);
    const zerologon = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2020-1472', '--json'])).json();
    expect(zerologon.kev[0]).toMatchObject({ dateAdded: '2021-11-03', dueDate: '2020-09-21' });
    const catalog = JSON.parse(readFileSync(KEV_JSON, 'utf8')) as {
      vulnerabilities: { cveID: string; vendorProject: string }[];
    };
    const padded = catalog.vulnerabilities.find((v) => v.vendorProject !== v.vendorProject.trim())!;
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', padded.cveID, '--json'])).json();
    expect(shown.kev[0].vendorProject).toBe(padded.vendorProject.trim());
  });

  it('reads the CSV form into the same facts, located by line', async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', KEV_CSV])).stdout).toContain('kev, 1404 CVE records');
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2025-48384', '--json'])).json();
    expect(shown.kev[0]).toMatchObject({
      dateAdded: '2025-08-25',
      dueDate: '2025-09-15',
      source: { locator: 'line 2' },
    });
    expect(shown.cwes).toEqual(['CWE-59', 'CWE-436']);
  });

  it('accepts fields the schema does not know (forensicTriage, 2026)', async () => {
    const catalog = JSON.parse(readFileSync(KEV_JSON, 'utf8'));
    catalog.vulnerabilities[0].forensicTriage = 'Yes';
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', file('kev.json', JSON.stringify(catalog))])).code).toBe(0);
  });

  it('refuses a dateAdded in a US date form, naming the pointer, and stores nothing', async () => {
    const catalog = JSON.parse(readFileSync(KEV_JSON, 'utf8'));
    catalog.vulnerabilities[3].dateAdded = '05/20/2026';
    const db = tempDbPath();
    const result = await patchcall(['--db', db, 'import', file('kev.json', JSON.stringify(catalog))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('kev.json (at /vulnerabilities/3/dateAdded)');
    expect(await eventCount(db)).toBe(0);
  });

  it('refuses the same in the CSV form, naming the line', async () => {
    const lines = readFileSync(KEV_CSV, 'utf8').split('\n');
    lines[4] = lines[4]!.replace(',2025-08-21,', ',08/21/2025,');
    const db = tempDbPath();
    const result = await patchcall(['--db', db, 'import', file('kev.csv', lines.join('\n'))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/kev\.csv \(line 5\): dateAdded: "08\/21\/2025" is not an ISO 8601 date/);
    expect(await eventCount(db)).toBe(0);
  });

  it('refuses a truncated catalog and a catalog entry of the wrong shape', async () => {
    const text = readFileSync(KEV_JSON, 'utf8');
    const db = tempDbPath();
    const truncated = await patchcall(['--db', db, 'import', file('kev.json', text.slice(0, 5000))]);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/kev\.json \(line \d+, column \d+\): invalid JSON/);

    const catalog = JSON.parse(text);
    delete catalog.vulnerabilities[7].requiredAction;
    const wrong = await patchcall(['--db', db, 'import', file('kev.json', JSON.stringify(catalog))]);
    expect(wrong.stderr).toContain(
      '(at /vulnerabilities/7): not a valid CISA KEV catalog: missing required property "requiredAction"',
    );
    expect(await eventCount(db)).toBe(0);
  });
});
