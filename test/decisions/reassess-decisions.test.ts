/**
 * Re-assessment after new data, on a real SQLite file with the bundled example and the product's own assessment:
 * each kind of new fact (a KEV listing, an EPSS score, a scan, a CMDB export, a firewall change, an edited
 * rulebook) re-opens the decisions it changes and only those. Two decisions are under way: MS08-067 (Windows
 * 2000–2008 over SMB) and a second, hand-written bulletin for Windows 2000 only over RDP.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext, type AppContext } from '../../src/app/app-context';
import { importDocuments } from '../../src/app/import-documents';
import { patchcallOver, type Patchcall } from '../../src/app/patchcall';
import { readDocumentFile } from '../../src/app/read-document';
import { LivingEvents, type FactsChangedPayload } from '../../src/decisions/living-decision';
import { tempDbPath } from '../helpers/run-patchcall';

const root = join(__dirname, '../..');
const seedDir = join(root, 'db/seed');
const living = (name: string) => join(__dirname, '../fixtures/living', name);
const OTHER = 'MS-REHEARSAL-2';

const otherBulletin = `kind: patchcall/bulletin
id: ${OTHER}
title: Remote Desktop flaw in Windows 2000 (a rehearsal bulletin)
vendor: Microsoft
revision: "1.0"
released_at: "2008-10-23"
severity: Critical
summary: A rehearsal bulletin for Windows 2000 only, reached over RDP.
cves: [CVE-2099-0001]
exploitation:
  status: none
  evidence: none reported (rehearsal)
products:
  - { name: Microsoft Windows 2000 Service Pack 4, cpe: "cpe:2.3:o:microsoft:windows_2000:-:sp4:*:*:*:*:*:*", severity: Critical }
fixes:
  - id: KB999901
    restart_required: true
vulnerable_ports: [tcp/3389]
`;

describe('re-assessment after new data', () => {
  let ctx: AppContext;
  let patchcall: Patchcall;
  let dir: string;
  let now: Date;
  afterEach(() => ctx?.close());

  async function start(rulesDir?: string): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'patchcall-reassess-'));
    now = new Date('2008-10-23T18:30:00Z');
    ctx = openAppContext({ dbPath: tempDbPath(), clock: () => now, ...(rulesDir ? { rulesDir } : {}) });
    patchcall = patchcallOver(ctx);
    const files = readdirSync(seedDir)
      .filter((f) => !f.endsWith('.md'))
      .sort()
      .map((f) => join(seedDir, f));
    writeFileSync(join(dir, 'other.bulletin.yaml'), otherBulletin);
    for (const file of [...files, join(dir, 'other.bulletin.yaml')])
      importDocuments(ctx, [readDocumentFile(file)], { actor: 'test' });
    const membership = patchcall.roleMembership({ members: async () => [] });
    for (const bulletinId of ['MS08-067', OTHER])
      await patchcall.conveneDecision(membership, { bulletinId, actor: 'U0SEC0001', trigger: 'command', now });
  }

  // a re-assessment that finds the same facts logs only its inputs fingerprint: that re-opens nothing
  const eventCount = (id: string) =>
    [...ctx.events.read({ stream: `decision:${id}` })].filter((e) => e.type !== LivingEvents.reassessed).length;
  const factsChanged = (id: string) =>
    [...ctx.events.read<FactsChangedPayload>({ stream: `decision:${id}`, type: LivingEvents.factsChanged })].map(
      (e) => e.payload,
    );

  /** Imports a file the way `patchcall import` does and re-assesses; returns which decisions got new events. */
  async function importLater(file: string, options: { name?: string } = {}): Promise<string[]> {
    const before = { ms: eventCount('MS08-067'), other: eventCount(OTHER) };
    const outcomes = await patchcall.importDocuments([readDocumentFile(file)], { actor: 'test', ...options });
    await patchcall.reassessAfterImport(outcomes, 'test');
    return [
      ...(eventCount('MS08-067') > before.ms ? ['MS08-067'] : []),
      ...(eventCount(OTHER) > before.other ? [OTHER] : []),
    ];
  }

  it('both decisions are under way, and nothing new re-opens nothing', async () => {
    await start();
    expect(patchcall.loadDecision(OTHER).assets.map((a) => a.name)).toEqual(['fs02']);
    const report = await patchcall.reassessDecisions({ actor: 'test', cause: 'a look' });
    expect(report.outcomes.map((o) => o.result)).toEqual(['unaffected', 'unaffected']);
  });

  it('a KEV listing re-opens the decision on its CVE only, with the deciding fact', async () => {
    await start();
    now = new Date('2008-10-24T12:00:00Z');
    expect(await importLater(living('kev-ms08-067.json'))).toEqual(['MS08-067']);
    const [change] = factsChanged('MS08-067');
    expect(change!.cause).toBe('import of kev-ms08-067.json (kev)');
    const facts = change!.changes.assets.flatMap((a) =>
      a.decidingFacts.map((f) => `${f.fact}: ${f.before} → ${f.after}`),
    );
    expect(facts).toContain('inKev: no → yes');
    // the clock moving on is not a fact: no asset's deadline moves later with the same urgency
    for (const asset of change!.changes.assets)
      expect(asset.changes.filter((c) => c.field === 'deadline' && c.direction === 'better')).toEqual([]);
    expect(patchcall.loadDecision('MS08-067').assessment!.verdicts.every((v) => v.facts.inKev?.value === 'yes')).toBe(
      true,
    );
  });

  it('re-opened two days later, the decision keeps its convening as the deadline anchor: a window already past is now', async () => {
    await start();
    const convenedAt = patchcall.loadDecision('MS08-067').convenedAt!;
    const first = patchcall.loadDecision('MS08-067').assessment!.verdicts.map((v) => v.deadline.dueAt);
    now = new Date('2008-10-25T18:30:00Z');
    expect(await importLater(living('kev-ms08-067.json'))).toEqual(['MS08-067']);
    const verdicts = patchcall.loadDecision('MS08-067').assessment!.verdicts;
    expect(verdicts.length).toBeGreaterThan(0);
    for (const verdict of verdicts) {
      // never a fresh window counted from the re-assessment
      expect(Date.parse(verdict.deadline.dueAt)).toBeLessThanOrEqual(Math.max(now.getTime(), ...first.map(Date.parse)));
      if (Date.parse(verdict.deadline.dueAt) === now.getTime())
        expect(verdict.deadline.reason).toMatch(/already past, so now$/);
    }
    // the immediate ones were due 24 h after the convening, long past: due now, and said so
    const immediate = verdicts.filter((v) => v.urgency === 'immediate');
    expect(immediate.length).toBeGreaterThan(0);
    expect(Date.parse(convenedAt) + 24 * 3_600_000).toBeLessThan(now.getTime());
    for (const verdict of immediate) expect(verdict.deadline.dueAt).toBe(now.toISOString());
  });

  it('an EPSS score is not a deciding fact: re-assessed, nothing changes, nothing is posted', async () => {
    await start();
    const epss = join(dir, 'epss.csv');
    writeFileSync(
      epss,
      '#model_version:v2025.03.14,score_date:2008-10-24T00:00:00+0000\ncve,epss,percentile\nCVE-2008-4250,0.97,0.999\n',
    );
    expect(await importLater(epss)).toEqual([]);
    // the fingerprint of the new inputs is in the log: a second look, as from another process, assesses nothing
    const fresh = patchcallOver(ctx);
    const again = await fresh.reassessDecisions({ actor: 'test', cause: 'a look' });
    expect(again.outcomes.map((o) => o.result)).toEqual(['unaffected', 'unaffected']);
  });

  it('a scan finding another Windows 2003 host re-opens MS08-067 only', async () => {
    await start();
    const scan = readFileSync(join(seedDir, 'nmap-scan.xml'), 'utf8')
      .replaceAll('10.10.0.11', '10.10.0.13')
      .replaceAll('web01', 'web03')
      .replaceAll('WEB01', 'WEB03');
    writeFileSync(join(dir, 'nmap-web03.xml'), scan);
    expect(await importLater(join(dir, 'nmap-web03.xml'))).toEqual(['MS08-067']);
    const change = factsChanged('MS08-067')[0]!;
    // a host patchcall has not seen before is news for the worse, whether affected or not yet placed (unknown)
    const web03 = change.changes.assets.find((a) => a.assetName === 'web03')!;
    expect(web03).toMatchObject({ before: { match: 'unlisted' }, direction: 'worse' });
    expect(['affected', 'unknown']).toContain(web03.after.match);
  });

  it('a CMDB export adding a Windows 2000 server re-opens both decisions', async () => {
    await start();
    const [header, fs02] = readFileSync(join(seedDir, 'cmdb-servers.csv'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('sys_id') || line.includes(',fs02,'));
    const fs03 = fs02!
      .replace('3a1f0c2e1b2d4e5f8a9b0c1d2e3f4a04', '3a1f0c2e1b2d4e5f8a9b0c1d2e3f4a10')
      .replaceAll('fs02', 'fs03')
      .replace('10.20.1.22', '10.20.1.23');
    writeFileSync(join(dir, 'cmdb-later.csv'), `${header}\n${fs03}\n`);
    expect(await importLater(join(dir, 'cmdb-later.csv'))).toEqual(['MS08-067', OTHER]);
    for (const id of ['MS08-067', OTHER])
      expect(factsChanged(id)[0]!.changes.assets.map((a) => a.assetName)).toContain('fs03');
  });

  it('a firewall change closing SMB to web01 re-opens MS08-067 only', async () => {
    await start();
    const edge = readFileSync(join(seedDir, 'edge.iptables-save'), 'utf8')
      .replace('--dports 80,443,445 -j ACCEPT', '--dports 80,443 -j ACCEPT')
      .replace('-A DMZ_IN -d 10.10.0.11/32 -p tcp -m tcp --dport 139 -j ACCEPT\n', '');
    const later = mkdtempSync(join(tmpdir(), 'patchcall-edge-'));
    writeFileSync(join(later, 'edge.iptables-save'), edge);
    expect(await importLater(join(later, 'edge.iptables-save'))).toEqual(['MS08-067']);
    const web01 = factsChanged('MS08-067')[0]!.changes.assets.find((a) => a.assetName === 'web01')!;
    expect(web01.changes).toContainEqual(expect.objectContaining({ field: 'exposure', before: 'open' }));
  });

  it('an edited rulebook (Immediate in 12 h instead of 24 h) re-opens the decisions it changes', async () => {
    const rules = mkdtempSync(join(tmpdir(), 'patchcall-rules-'));
    cpSync(join(root, 'rules'), rules, { recursive: true });
    await start(rules);
    const policy = join(rules, 'policy.json');
    writeFileSync(
      policy,
      readFileSync(policy, 'utf8').replace('"immediate": { "hours": 24 }', '"immediate": { "hours": 12 }'),
    );
    const { reload, report } = await patchcall.reloadRules('test');
    expect(reload.changed).toBe(true);
    if (!report) throw new Error('the rules changed, so the decisions are re-assessed');
    expect(report.outcomes).toEqual([
      expect.objectContaining({ decisionId: 'MS08-067', result: 'facts-changed' }),
      expect.objectContaining({ decisionId: OTHER, result: 'unchanged' }),
    ]);
    const change = factsChanged('MS08-067')[0]!;
    expect(change.changes.decidingFacts).toEqual([expect.objectContaining({ fact: 'rulebook' })]);
    expect(change.changes.assets.find((a) => a.assetName === 'web01')!.changes).toContainEqual(
      expect.objectContaining({ field: 'deadline', direction: 'worse' }),
    );
  });
});
