/**
 * EternalBlue (CVE-2017-0144, MS17-010) against a small real-format estate: a ServiceNow CMDB export, Get-HotFix
 * output and an nmap -sV scan, imported through the CLI like a user would.
 *
 * Expected, written before the code (Microsoft's bulletin and NVD's configuration):
 * - dc-2008 (Server 2008 SP2, 445 open, no KB4012598): affected, through NVD's "SMBv1 AND running on Server 2008 SP2".
 * - app-2008r2 (Server 2008 R2 SP1 with KB4012212): patched by its KB (once MS17-010 is imported).
 * - ws-win7 (Windows 7 SP1, only an unrelated KB): affected.
 * - web-2016 (Server 2016, KB4013429): patched by its KB.
 * - app-2019 (Server 2019): not affected, proven by its OS: NVD's platforms and Microsoft's list do not include it.
 * - From NVD alone (no vendor advisory): 2008 SP2, 2008 R2 SP1, 7 SP1 and 2016 affected (no KB known), 2019 not affected;
 *   the cycle is unknown (NVD's publication date says nothing about Microsoft's cycle).
 * - With MS17-010 imported: released on Patch Tuesday 2017-03-14, so in cycle.
 */
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const fixtures = join(__dirname, '..', 'fixtures');
const estate = ['cmdb.csv', 'hotfixes.csv', 'nmap-sV.xml'].map((f) => join(fixtures, 'estates', 'eternalblue', f));
const nvd = join(fixtures, 'nvd', 'CVE-2017-0144.json');
const ms17010 = join(fixtures, 'bulletins', 'ms17-010.bulletin.yaml');

interface MatchJson {
  asset: { name: string };
  status: string;
  reasons: string[];
}

async function matches(db: string, bulletin: string): Promise<Record<string, MatchJson>> {
  const result = await patchcall(['assets', '--bulletin', bulletin, '--json', '--db', db]);
  expect(result.stderr).toBe('');
  return Object.fromEntries((result.json().matches as MatchJson[]).map((m) => [m.asset.name, m] as const));
}

describe('EternalBlue on a CMDB + Get-HotFix + nmap estate', () => {
  it('from NVD alone: reads the configuration as a tree, so Server 2008 SP2 is affected and 2019 proven not', async () => {
    const db = tempDbPath();
    const imported = await patchcall(['import', nvd, ...estate, '--db', db]);
    expect(imported.stderr).toBe('');
    const m = await matches(db, 'CVE-2017-0144');
    expect(m['dc-2008']!.status).toBe('affected');
    expect(m['dc-2008']!.reasons.join(' ')).toMatch(/NVD configuration CVE-2017-0144/);
    expect(m['dc-2008']!.reasons.join(' ')).toMatch(
      /server_message_block:1\.0:.* ships with OS "Windows Server 2008 Standard 6\.0\.6002 Service Pack 2"/,
    );
    expect(m['app-2008r2']!.status).toBe('affected');
    expect(m['ws-win7']!.status).toBe('affected');
    expect(m['web-2016']!.status).toBe('affected');
    expect(m['app-2019']!.status).toBe('not_affected');
    expect(m['app-2019']!.reasons.join(' ')).toMatch(/not running on any of its 15 platforms/);

    const shown = await patchcall(['bulletin', 'show', 'CVE-2017-0144', '--json', '--db', db]);
    expect(shown.json().cycle.status).toBe('unknown');
    expect(shown.json().cycle.reason).toMatch(/2017-03-17 is when NVD published the record/);
  });

  it('with MS17-010: each host affected, patched by its KB, or proven not affected; in cycle (Patch Tuesday)', async () => {
    const db = tempDbPath();
    const imported = await patchcall(['import', ms17010, nvd, ...estate, '--db', db]);
    expect(imported.stderr).toBe('');
    const m = await matches(db, 'MS17-010');
    expect(Object.fromEntries(Object.entries(m).map(([name, x]) => [name, x.status]))).toEqual({
      'dc-2008': 'affected',
      'app-2008r2': 'patched',
      'ws-win7': 'affected',
      'web-2016': 'patched',
      'app-2019': 'not_affected',
    });
    expect(m['app-2008r2']!.reasons[0]).toMatch(/KB4012212 is installed .*according to get-hotfix/);
    expect(m['dc-2008']!.reasons.join(' ')).toMatch(
      /matches the affected product "Windows Server 2008 Service Pack 2"/,
    );
    expect(m['app-2019']!.reasons.join(' ')).toMatch(/matches none of the 11 affected products of MS17-010/);

    const shown = await patchcall(['bulletin', 'show', 'MS17-010', '--json', '--db', db]);
    expect(shown.json().cycle).toMatchObject({ status: 'in-cycle' });
    expect(shown.json().cycle.reason).toMatch(
      /released Tuesday 2017-03-14 \(America\/Los_Angeles\), on Microsoft's Patch Tuesday/,
    );
  });
});
