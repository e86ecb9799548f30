/**
 * The name tables are data in rules/names: an organization adds a row for what its CMDB writes, and a bad row is
 * refused by `patchcall rules check`, naming the file and the place.
 *
 * Expected, written before the code: with the shipped tables "Catalyst Switch OS 12.2(55)SE" is unknown (not in the
 * OS name table) against the Cisco advisory; with an organization's row mapping it to Cisco IOS it is affected.
 *
 * At import, written before the code: a CMDB that writes IOS XE 16.x switches as OS "Cisco IOS" version "16.3.1" gets
 * cpe:2.3:o:cisco:ios:* from the shipped rows (IOS with an unknown release: unknown against cisco-sa-20180328-smi2).
 * Imported with the organization's row "^cisco ios (16.x.y)$ → o:cisco:ios_xe:{1}" in its rules folder, the importer
 * itself records cpe:2.3:o:cisco:ios_xe:16.3.1 and the switch is affected (IOS XE 16.3.1 is in the advisory's list).
 *
 * Without a re-import (third session), written before the code: the switch imported with the shipped rules only is
 * unknown; the organization then adds the row, and the next `assets --bulletin` calls it affected as IOS XE 16.3.1,
 * because matching names the recorded "Cisco IOS 16.3.1" with today's tables. Taking the row away again makes it
 * unknown again. An OS CPE the source itself gave (nmap's <cpe>) is not renamed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { copyRules } from '../risk/rulebook-copy';

const fixtures = join(__dirname, '..', 'fixtures');

describe('organization name tables', () => {
  it("match a CMDB's own OS names through a row the organization adds", async () => {
    const dir = copyRules();
    const cmdb = join(dir, 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,os_version,install_status\nx1,sw-lab-01,10.9.0.2,Catalyst Switch OS,12.2(55)SE,1\n',
    );
    const db = tempDbPath();
    const imported = await patchcall([
      'import',
      join(fixtures, 'csaf', 'cisco-sa-20180328-smi2.json'),
      cmdb,
      '--db',
      db,
    ]);
    expect(imported.stderr).toBe('');
    const before = (
      await patchcall(['assets', '--bulletin', 'cisco-sa-20180328-smi2', '--json', '--db', db], {
        env: { PATCHCALL_RULES: dir },
      })
    ).json();
    expect(before.matches[0]).toMatchObject({ status: 'unknown' });
    expect(before.matches[0].reasons[0]).toMatch(/is not in the OS name table \(rules\/names\)/);

    writeFileSync(
      join(dir, 'names', 'local-acme.json'),
      JSON.stringify({
        kind: 'patchcall/names',
        table: 'os',
        names: [{ match: '^catalyst switch os (\\d+\\.\\d+\\(\\w+\\)\\w*)', cpe: 'o:cisco:ios:{1}' }],
      }),
    );
    const after = (
      await patchcall(['assets', '--bulletin', 'cisco-sa-20180328-smi2', '--json', '--db', db], {
        env: { PATCHCALL_RULES: dir },
      })
    ).json();
    expect(after.matches[0]).toMatchObject({ status: 'affected' });
  });

  it("name an OS at import through the organization's own row, before the shipped ones", async () => {
    const dir = copyRules();
    writeFileSync(
      join(dir, 'names', 'local-acme.json'),
      JSON.stringify({
        kind: 'patchcall/names',
        table: 'os',
        names: [
          {
            match: '^cisco ios (16\\.\\d+\\.\\w+)$',
            cpe: 'o:cisco:ios_xe:{1}',
            note: 'our CMDB writes IOS XE 16.x as "Cisco IOS"',
          },
        ],
      }),
    );
    const cmdb = join(dir, 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,os_version,install_status\nx2,sw-core-01,10.9.0.3,Cisco IOS,16.3.1,1\n',
    );
    const advisory = join(fixtures, 'csaf', 'cisco-sa-20180328-smi2.json');
    const standing = async (db: string, env: Record<string, string> = {}) =>
      (await patchcall(['assets', '--bulletin', 'cisco-sa-20180328-smi2', '--json', '--db', db], { env })).json();
    const osOf = async (db: string) =>
      (await patchcall(['assets', '--json', '--db', db])).json().assets[0].os as { raw: string; cpe: string | null };

    const shippedDb = tempDbPath();
    expect((await patchcall(['import', advisory, cmdb, '--db', shippedDb])).stderr).toBe('');
    expect((await osOf(shippedDb)).cpe).toBe('cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*');
    expect((await standing(shippedDb)).matches[0]).toMatchObject({ asset: { name: 'sw-core-01' }, status: 'unknown' });

    const ownDb = tempDbPath();
    const imported = await patchcall(['import', advisory, cmdb, '--db', ownDb], { env: { PATCHCALL_RULES: dir } });
    expect(imported.stderr).toBe('');
    expect(await osOf(ownDb)).toMatchObject({
      raw: 'Cisco IOS 16.3.1',
      cpe: 'cpe:2.3:o:cisco:ios_xe:16.3.1:*:*:*:*:*:*:*',
    });
    const own = (await standing(ownDb, { PATCHCALL_RULES: dir })).matches[0];
    expect(own).toMatchObject({ asset: { name: 'sw-core-01' }, status: 'affected' });
    expect(own.reasons.join(' ')).toMatch(/ios_xe:16\.3\.1/);
    // matching names the recorded name with today's tables: the shipped rules alone do not know it as IOS XE
    expect((await standing(ownDb)).matches[0]).toMatchObject({ status: 'unknown' });

    // the host imported before the row: the row applies at the next question, with no re-import
    const rowAfter = (await standing(shippedDb, { PATCHCALL_RULES: dir })).matches[0];
    expect(rowAfter).toMatchObject({ asset: { name: 'sw-core-01' }, status: 'affected' });
    expect(rowAfter.reasons.join(' ')).toMatch(/ios_xe:16\.3\.1.*our CMDB writes IOS XE 16\.x as "Cisco IOS"/);
  });

  it('refuses a row whose pattern is not a regular expression, naming the file and the place', async () => {
    const dir = copyRules();
    writeFileSync(
      join(dir, 'names', 'local-bad.json'),
      JSON.stringify({ kind: 'patchcall/names', table: 'os', names: [{ match: '(unclosed', cpe: 'o:acme:os' }] }),
    );
    const result = await patchcall(['rules', 'check', '--rules', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/local-bad\.json \(at \/names\/0\/match\): match is not a regular expression/);
  });
});
