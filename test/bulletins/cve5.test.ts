import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const RECORD = join(__dirname, '../fixtures/cve5/CVE-2008-4250.cve5.json');
const text = readFileSync(RECORD, 'utf8');

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-cve5-')), name);
  writeFileSync(path, content);
  return path;
}

async function eventCount(db: string): Promise<number> {
  return (await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count;
}

describe('CVE JSON 5 import (CISA Vulnrichment)', () => {
  it("reads CISA-ADP's CVSS 3.1, SSVC decision points and KEV date for CVE-2008-4250", async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', RECORD])).code).toBe(0);
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json();
    expect(shown.scores).toEqual([
      expect.objectContaining({
        version: '3.1',
        baseScore: 9.8,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        severity: 'CRITICAL',
        scoredBy: 'CISA-ADP',
        source: expect.objectContaining({ locator: '/containers/adp/1/metrics/0/cvssV3_1' }),
      }),
    ]);
    expect(shown.ssvc).toEqual([
      {
        cve: 'CVE-2008-4250',
        exploitation: 'active',
        automatable: 'yes',
        technicalImpact: 'total',
        role: 'CISA Coordinator',
        version: '2.0.3',
        timestamp: '2026-05-20T17:22:12.049Z',
        source: { format: 'cve5', document: RECORD, locator: '/containers/adp/1/metrics/1/other', eventSeq: 1 },
      },
    ]);
    expect(shown.kev[0]).toMatchObject({
      dateAdded: '2026-05-20',
      source: { locator: '/containers/adp/1/metrics/2/other' },
    });
    const active = shown.exploitation
      .filter((e: { status: string }) => e.status === 'active')
      .map((e: { evidence: string }) => e.evidence);
    expect(active).toEqual(['CISA-ADP SSVC Exploitation: active', 'listed in CISA KEV on 2026-05-20 (per CISA-ADP)']);
    expect(shown.cwes).toEqual(['CWE-119']);
    expect(shown.releasedAt.value).toBe('2008-10-23T21:00:00.000Z');
    expect(shown.descriptions[0].source.locator).toBe('/containers/cna/descriptions/0');
  });

  it('refuses an unknown SSVC label value and a US-form KEV date, naming the pointer, and stores nothing', async () => {
    const db = tempDbPath();
    const badSsvc = JSON.parse(text);
    badSsvc.containers.adp[1].metrics[1].other.content.options[0].Exploitation = 'widespread';
    const ssvc = await patchcall(['--db', db, 'import', file('cve5.json', JSON.stringify(badSsvc))]);
    expect(ssvc.code).toBe(2);
    expect(ssvc.stderr).toContain(
      'cve5.json (at /containers/adp/1/metrics/1/other/content/options): SSVC Exploitation "widespread" is none of none, poc, active',
    );

    const badDate = JSON.parse(text);
    badDate.containers.adp[1].metrics[2].other.content.dateAdded = '05/20/2026';
    const date = await patchcall(['--db', db, 'import', file('cve5.json', JSON.stringify(badDate))]);
    expect(date.stderr).toContain(
      'cve5.json (at /containers/adp/1/metrics/2/other/content/dateAdded): "05/20/2026" is not an ISO 8601 date',
    );

    const wrongShape = JSON.parse(text);
    wrongShape.containers.cna.references = 'none';
    const shape = await patchcall(['--db', db, 'import', file('cve5.json', JSON.stringify(wrongShape))]);
    expect(shape.stderr).toContain('cve5.json (at /containers/cna/references): expected an array');

    const truncated = await patchcall(['--db', db, 'import', file('cve5.json', text.slice(0, 3000))]);
    expect(truncated.stderr).toMatch(/cve5\.json \(line \d+, column \d+\): invalid JSON/);
    expect(await eventCount(db)).toBe(0);
  });
});
