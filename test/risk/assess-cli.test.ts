import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const SEED = join(__dirname, '..', '..', 'db', 'seed');

describe('patchcall assess on the bundled seed', () => {
  const db = tempDbPath();
  const now = new Date('2008-10-23T13:00:00Z');
  beforeAll(async () => {
    const files = readdirSync(SEED)
      .filter((f) => !/\.md$|^roster\.yaml$/.test(f))
      .map((f) => join(SEED, f));
    const imported = await patchcall(['--db', db, 'import', ...files], { now });
    if (imported.code !== 0) throw new Error(imported.stderr);
  });

  it('prints facts, urgency, plan, deadline and summary', async () => {
    const r = await patchcall(['--db', db, 'assess', 'MS08-067'], { now });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^MS08-067: patch-now/);
    expect(r.stdout).toMatch(/web01: IMMEDIATE, due Fri 24 Oct 2008 15:00 CEST \(13:00 UTC\)/);
    expect(r.stdout).toContain('Plan:');
    expect(r.stdout).toContain('Ask Contoso Hosting to patch');
  });

  it('--json gives the Assessment', async () => {
    const r = await patchcall(['--db', db, '--json', 'assess', 'MS08-067'], { now });
    const a = r.json();
    expect(a.verdicts[0]).toMatchObject({ assetName: 'web01', urgency: 'immediate' });
    expect(a.verdicts.map((v: { assetName: string }) => v.assetName)).not.toContain('fs02');
    expect(a.summary.recommendedCall).toBe('patch-now');
  });

  it('records the one rules digest that covers every file in rules/, as rules check reports it', async () => {
    const assessed = (await patchcall(['--db', db, '--json', 'assess', 'MS08-067'], { now })).json();
    const checked = (await patchcall(['--json', 'rules', 'check'])).json();
    expect(assessed.rulebookDigest).toBe(checked.digest);
    expect(checked.files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['exposure.json', 'quorum.json', 'service-ports.json', 'release-calendars.json']),
    );
  });
});
