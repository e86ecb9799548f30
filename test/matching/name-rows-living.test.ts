/**
 * A row added to the rules folder's name tables is changed input for a living decision: the rules digest covers
 * rules/names, so reloading the rules re-assesses the decision, and matching names the hosts already imported with
 * the new row.
 *
 * Expected, written before the code: a decision on cisco-sa-20180328-smi2 is under way with sw-core-01 (CMDB OS
 * "Cisco IOS" "16.3.1", IOS with an unknown release under the shipped rows) unknown. The organization adds the row
 * "^cisco ios (16.x.y)$ → o:cisco:ios_xe:{1}" and reloads: the decision's facts change, sw-core-01 is now affected
 * (IOS XE 16.3.1 is in Cisco's list), with no re-import.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext, type AppContext } from '../../src/app/app-context';
import { patchcallOver } from '../../src/app/patchcall';
import { readDocumentFile } from '../../src/app/read-document';
import { LivingEvents, type FactsChangedPayload } from '../../src/decisions/living-decision';
import { tempDbPath } from '../helpers/run-patchcall';

const root = join(__dirname, '../..');
const ADVISORY = 'cisco-sa-20180328-smi2';

describe('a name row added after the import, on a living decision', () => {
  let ctx: AppContext | undefined;
  afterEach(() => ctx?.close());

  it('re-assesses the decision on reload and names the imported switch with the new row', async () => {
    const rules = mkdtempSync(join(tmpdir(), 'patchcall-rules-'));
    cpSync(join(root, 'rules'), rules, { recursive: true });
    const now = new Date('2018-03-29T09:00:00Z');
    ctx = openAppContext({ dbPath: tempDbPath(), clock: () => now, rulesDir: rules });
    const patchcall = patchcallOver(ctx);
    const cmdb = join(rules, 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,os_version,install_status\nx2,sw-core-01,10.9.0.3,Cisco IOS,16.3.1,1\n',
    );
    const advisory = join(__dirname, '..', 'fixtures', 'csaf', `${ADVISORY}.json`);
    patchcall.importDocuments([readDocumentFile(advisory), readDocumentFile(cmdb)], { actor: 'test' });
    const membership = patchcall.roleMembership({ members: async () => [] });
    await patchcall.conveneDecision(membership, { bulletinId: ADVISORY, actor: 'U0SEC0001', trigger: 'command', now });

    writeFileSync(
      join(rules, 'names', 'local-acme.json'),
      JSON.stringify({
        kind: 'patchcall/names',
        table: 'os',
        names: [{ match: '^cisco ios (16\\.\\d+\\.\\w+)$', cpe: 'o:cisco:ios_xe:{1}' }],
      }),
    );
    const { reload, report } = await patchcall.reloadRules('test');
    expect(reload.changed).toBe(true);
    expect(report?.outcomes).toEqual([expect.objectContaining({ decisionId: ADVISORY, result: 'facts-changed' })]);
    const changed = [
      ...ctx.events.read<FactsChangedPayload>({ stream: `decision:${ADVISORY}`, type: LivingEvents.factsChanged }),
    ].map((e) => e.payload);
    const switchChanges = changed[0]!.changes.assets.find((a) => a.assetName === 'sw-core-01')!.changes;
    expect(switchChanges).toContainEqual(
      expect.objectContaining({ field: 'match', before: 'unknown', after: 'affected' }),
    );
  });
});
