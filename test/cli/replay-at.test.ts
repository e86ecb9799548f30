import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const seedDir = join(__dirname, '../../db/seed');
const seeds = readdirSync(seedDir)
  .filter((f) => !f.endsWith('.md'))
  .map((f) => join(seedDir, f));

describe('patchcall --at: replaying the day MS08-067 came out', () => {
  it('assesses as of the given moment: evidence from later years is left out, deadlines count from then', async () => {
    const db = tempDbPath();
    expect((await patchcall(['--db', db, 'import', ...seeds])).code).toBe(0);
    const assessment = (
      await patchcall(['--db', db, '--at', '2008-10-23T18:30:00Z', 'assess', 'MS08-067', '--json'])
    ).json();
    expect(Date.parse(assessment.assessedAt)).toBe(Date.parse('2008-10-23T18:30:00Z'));
    const web01 = assessment.verdicts.find((v: { assetName: string }) => v.assetName === 'web01');
    expect(web01.urgency).toBe('immediate');
    expect(web01.facts.inKev.value).toBe('no'); // CISA listed it only in 2026
    expect(Date.parse(web01.deadline.dueAt)).toBe(Date.parse('2008-10-24T18:30:00Z'));
  });

  it('refuses a moment that is not ISO 8601', async () => {
    const result = await patchcall(['--db', tempDbPath(), '--at', '23/10/2008', 'bulletins']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--at: "23\/10\/2008" is not an ISO 8601 date/);
  });
});
