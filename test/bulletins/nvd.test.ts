import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const MS08_067 = join(__dirname, '../fixtures/nvd/CVE-2008-4250.json');
const ETERNALBLUE = join(__dirname, '../fixtures/nvd/CVE-2017-0144.json');

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-nvd-')), name);
  writeFileSync(path, content);
  return path;
}

async function eventCount(db: string): Promise<number> {
  if (!existsSync(db)) return 0; // read commands refuse a database a refused import never created
  return (await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count;
}

describe('NVD CVE API 2.0 import', () => {
  it('reads CVE-2008-4250: CVSS v2 10.0, CWE-94, 18 vulnerable CPEs, exploit references as poc', async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', MS08_067])).code).toBe(0);
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json();
    expect(shown.scores).toEqual([
      expect.objectContaining({
        version: '2.0',
        baseScore: 10,
        vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C',
        severity: 'HIGH',
        scoredBy: 'nvd@nist.gov (Primary)',
        source: expect.objectContaining({ format: 'nvd', locator: '/metrics/cvssMetricV2/0' }),
      }),
    ]);
    expect(shown.cwes).toEqual(['CWE-94']);
    expect(shown.products).toHaveLength(18);
    expect(
      shown.products.every(
        (p: { status: string; cpe: string }) => p.status === 'affected' && p.cpe.startsWith('cpe:2.3:o:microsoft:'),
      ),
    ).toBe(true);
    expect(shown.products.map((p: { cpe: string }) => p.cpe)).toContain(
      'cpe:2.3:o:microsoft:windows_server_2008:-:*:*:*:-:*:x64:*',
    );
    expect(shown.exploitation.map((e: { status: string; evidence: string }) => `${e.status} ${e.evidence}`)).toContain(
      'poc NVD reference tagged Exploit: https://www.exploit-db.com/exploits/6824',
    );
    expect(shown.exploitation.filter((e: { evidence: string }) => e.evidence.endsWith('/6824'))).toHaveLength(1);
    expect(shown.releasedAt).toMatchObject({ value: '2008-10-23T22:00:01.357Z' });
    expect(shown.descriptions[0].text).toMatch(/^The Server service in Microsoft Windows 2000 SP4/);
  });

  it('reads CVE-2017-0144: KEV fields as a kev fact with active exploitation; platforms of AND nodes are not affected', async () => {
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', ETERNALBLUE]);
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2017-0144', '--json'])).json();
    expect(shown.kev[0]).toMatchObject({
      dateAdded: '2022-02-10',
      dueDate: '2022-08-10',
      requiredAction: 'Apply updates per vendor instructions.',
      source: { format: 'nvd', locator: '/cisaExploitAdd' },
    });
    expect(shown.exploitation[0]).toMatchObject({ status: 'active', date: '2022-02-10' });
    expect(shown.scores.map((s: { version: string; scoredBy: string }) => `${s.version} ${s.scoredBy}`)).toEqual([
      '3.1 nvd@nist.gov (Primary)',
      '3.1 134c704f-9b21-4f2e-91b3-4a467353bcc0 (Secondary)',
      '2.0 nvd@nist.gov (Primary)',
    ]);
    const cpes = shown.products.map((p: { cpe: string }) => p.cpe);
    expect(cpes).toContain('cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*');
    expect(cpes).not.toContain('cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*');
    const record = JSON.parse(readFileSync(ETERNALBLUE, 'utf8'));
    const vulnerable = record.configurations.flatMap(
      (c: { nodes: { cpeMatch: { vulnerable: boolean; criteria: string }[] }[] }) =>
        c.nodes.flatMap((n) => n.cpeMatch.filter((m) => m.vulnerable).map((m) => m.criteria)),
    );
    expect(new Set(cpes)).toEqual(new Set(vulnerable));
  });

  it('reads an API response envelope and locates facts inside it', async () => {
    const cve = JSON.parse(readFileSync(MS08_067, 'utf8'));
    const response = {
      resultsPerPage: 1,
      startIndex: 0,
      totalResults: 1,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: '2026-05-01T00:00:00.000',
      vulnerabilities: [{ cve }],
    };
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', file('response.json', JSON.stringify(response))])).code).toBe(0);
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json();
    expect(shown.scores[0].source.locator).toBe('/vulnerabilities/0/cve/metrics/cvssMetricV2/0');
  });

  it('leaves negated nodes out of the affected products', async () => {
    const cve = JSON.parse(readFileSync(MS08_067, 'utf8'));
    cve.configurations[0].nodes[0].negate = true;
    const db = tempDbPath();
    await patchcall(['--db', db, 'import', file('negated.json', JSON.stringify(cve))]);
    expect((await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json().products).toEqual([]);
  });

  it('refuses truncated JSON, a wrong-schema record (pointer) and an odd date, storing nothing', async () => {
    const text = readFileSync(MS08_067, 'utf8');
    const db = tempDbPath();
    const truncated = await patchcall(['--db', db, 'import', file('nvd.json', text.slice(0, 4000))]);
    expect(truncated.stderr).toMatch(/nvd\.json \(line \d+, column \d+\): invalid JSON: the document ends early/);

    const wrong = JSON.parse(text);
    wrong.metrics.cvssMetricV2[0].cvssData.baseScore = 'ten';
    const schema = await patchcall(['--db', db, 'import', file('nvd.json', JSON.stringify(wrong))]);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain(
      'nvd.json (at /metrics/cvssMetricV2/0/cvssData/baseScore): not a valid NVD CVE record: must be number',
    );

    const odd = JSON.parse(text);
    odd.published = '10/23/2008';
    const date = await patchcall(['--db', db, 'import', file('nvd.json', JSON.stringify(odd))]);
    expect(date.stderr).toContain('nvd.json (at /published): "10/23/2008" is not an ISO 8601 date');
    expect(await eventCount(db)).toBe(0);
  });
});
