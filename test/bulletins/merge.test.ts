import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const SEED = join(__dirname, '../../db/seed');

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-merge-')), name);
  writeFileSync(path, content);
  return path;
}

describe('MS08-067 merged from the bulletin and every CVE feed', () => {
  it('shows each feed’s facts with their sources, by advisory id and by CVE id', async () => {
    const db = tempDbPath();
    const files = [
      'ms08-067.bulletin.yaml',
      'nvd-CVE-2008-4250.json',
      'cve5-CVE-2008-4250.json',
      'epss-2026-09-29-sample.csv',
    ].map((f) => join(SEED, f));
    expect((await patchcall(['--db', db, 'import', ...files])).code).toBe(0);

    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'MS08-067', '--json'])).json();
    expect(shown.sources.map((s: { format: string; eventSeq: number }) => `${s.format}#${s.eventSeq}`)).toEqual([
      'bulletin#1',
      'nvd#2',
      'cve5#3',
      'epss#4',
    ]);
    const scores = shown.scores.map(
      (s: { version: string; baseScore: number; source: { format: string } }) =>
        `${s.source.format} ${s.version} ${s.baseScore}`,
    );
    expect(scores).toEqual(expect.arrayContaining(['nvd 2.0 10', 'cve5 3.1 9.8']));
    expect(shown.ssvc[0]).toMatchObject({
      exploitation: 'active',
      automatable: 'yes',
      technicalImpact: 'total',
      source: { format: 'cve5' },
    });
    expect(shown.kev[0]).toMatchObject({ dateAdded: '2026-05-20', source: { format: 'cve5' } });
    expect(shown.epss[0]).toMatchObject({
      score: 0.98751,
      percentile: 0.99925,
      source: { format: 'epss', eventSeq: 4 },
    });
    expect(shown.cwes).toEqual(expect.arrayContaining(['CWE-94', 'CWE-119']));
    expect(shown.products.filter((p: { source: { format: string } }) => p.source.format === 'nvd')).toHaveLength(18);

    const byCve = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json();
    expect(byCve.id).toBe('MS08-067');
    expect(byCve.epss).toEqual(shown.epss);
  });

  it('keeps only the newest record per feed when a feed is imported again', async () => {
    const db = tempDbPath();
    const nvd = JSON.parse(readFileSync(join(SEED, 'nvd-CVE-2008-4250.json'), 'utf8'));
    await patchcall([
      '--db',
      db,
      'import',
      join(SEED, 'nvd-CVE-2008-4250.json'),
      join(SEED, 'cve5-CVE-2008-4250.json'),
    ]);
    nvd.lastModified = '2026-06-01T00:00:00.000';
    nvd.metrics.cvssMetricV2[0].cvssData.baseScore = 9.3;
    await patchcall(['--db', db, 'import', file('nvd-newer.json', JSON.stringify(nvd))]);
    const shown = (await patchcall(['--db', db, 'bulletin', 'show', 'CVE-2008-4250', '--json'])).json();
    expect(
      shown.scores
        .map(
          (s: { baseScore: number; source: { format: string; eventSeq: number } }) =>
            `${s.source.format}#${s.source.eventSeq} ${s.baseScore}`,
        )
        .sort(),
    ).toEqual(['cve5#2 9.8', 'nvd#3 9.3']);
  });
});
