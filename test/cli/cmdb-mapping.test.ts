import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

/** An organization's own rules folder with a CMDB column mapping, as PATCHCALL_RULES points at it. */
function rulesWithMapping(mapping: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-rules-'));
  cpSync(join(__dirname, '../../rules'), dir, { recursive: true });
  writeFileSync(join(dir, 'cmdb-mapping.yaml'), mapping);
  return dir;
}

describe('a CMDB export with other column names', () => {
  const csv = 'Host Name,IP,OS Name,Tier,State\nweb09,10.10.0.19,Windows Server 2003 SP2,1 - most critical,1\n';

  it('imports through the mapping in the rules folder', async () => {
    const rules = rulesWithMapping(
      'kind: patchcall/cmdb-mapping\ncolumns:\n  name: Host Name\n  ip_address: IP\n  os: OS Name\n  busines_criticality: Tier\n  install_status: State\n',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'cmdb-')), 'other-cmdb.csv');
    writeFileSync(file, csv);
    const db = tempDbPath();
    const imported = await patchcall(['--db', db, 'import', file], { env: { PATCHCALL_RULES: rules } });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const assets = (await patchcall(['--db', db, 'assets', '--json'], { env: { PATCHCALL_RULES: rules } })).json()
      .assets;
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({ name: 'web09', addresses: ['10.10.0.19'], criticality: 'critical' });
  });

  it('names the mapping file and the field when the mapping is wrong', async () => {
    const rules = rulesWithMapping('kind: patchcall/cmdb-mapping\ncolumns:\n  hostname_typo: Host Name\n');
    const file = join(mkdtempSync(join(tmpdir(), 'cmdb-')), 'other-cmdb.csv');
    writeFileSync(file, csv);
    const result = await patchcall(['--db', tempDbPath(), 'import', file], { env: { PATCHCALL_RULES: rules } });
    // the rules folder is configuration: exit 1, not 2 (bad input)
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cmdb-mapping\.yaml \(at \/columns\/hostname_typo\): not a valid cmdb-mapping: unknown key "hostname_typo" \(sys_id, name, /,
    );
  });
});
