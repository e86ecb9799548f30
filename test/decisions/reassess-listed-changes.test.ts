/**
 * A scan that changes more assets than a `decision.facts-changed` event lists: the bundled example convened on
 * MS08-067, then an nmap scan of 60 new Windows Server 2003 hosts whose build nmap cannot tell (each unknown, never
 * safe). The event lists the first 50 changes and counts the other 11 by their match; the summary, the notice and
 * the card's assessment still cover all 61 (printsrv's establish step changed too), the decision reads back as before, and its audit record verifies.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openAppContext, type AppContext } from '../../src/app/app-context';
import { loadDecision } from '../../src/app/decision-log';
import { importDocuments } from '../../src/app/import-documents';
import { patchcallOver } from '../../src/app/patchcall';
import { readDocumentFile } from '../../src/app/read-document';
import { LISTED_ASSET_CHANGES } from '../../src/decisions/listed-changes';
import { LivingEvents, type FactsChangedPayload } from '../../src/decisions/living-decision';
import { patchcall as cli, tempDbPath } from '../helpers/run-patchcall';

const seedDir = join(__dirname, '../../db/seed');
const NOW = new Date('2008-10-24T12:00:00Z');
const NEW_HOSTS = 60;

function windows2003Scan(): string {
  const hosts = Array.from(
    { length: NEW_HOSTS },
    (_, i) =>
      `<host><status state="up" reason="echo-reply"/><address addr="10.77.0.${i + 1}" addrtype="ipv4"/><hostnames><hostname name="w${String(i).padStart(2, '0')}.example" type="PTR"/></hostnames><ports><port protocol="tcp" portid="445"><state state="open" reason="syn-ack"/><service name="microsoft-ds" method="table" conf="3"/></port></ports><os><osmatch name="Microsoft Windows Server 2003 SP2" accuracy="96" line="1"><osclass type="general purpose" vendor="Microsoft" osfamily="Windows" osgen="2003" accuracy="96"><cpe>cpe:/o:microsoft:windows_server_2003::sp2</cpe></osclass></osmatch></os></host>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<nmaprun scanner="nmap" args="nmap -sS -O 10.77.0.0/24" start="1224928800" version="7.93" xmloutputversion="1.05">
${hosts.join('\n')}
<runstats><finished time="1224929220" exit="success"/><hosts up="${NEW_HOSTS}" down="0" total="${NEW_HOSTS}"/></runstats>
</nmaprun>
`;
}

describe('re-assessment: a change of more assets than an event lists', () => {
  jest.setTimeout(120_000);
  let ctx: AppContext;
  afterAll(() => ctx?.close());

  it('lists the first changes, counts the rest as unknown, and still says all of them', async () => {
    const dbPath = tempDbPath();
    ctx = openAppContext({ dbPath, clock: () => NOW });
    for (const file of readdirSync(seedDir)
      .filter((f) => !f.endsWith('.md'))
      .sort())
      importDocuments(ctx, [readDocumentFile(join(seedDir, file))], { actor: 'test' });
    const patchcall = patchcallOver(ctx);
    const membership = patchcall.roleMembership({ members: async () => [] });
    await patchcall.conveneDecision(membership, {
      bulletinId: 'MS08-067',
      actor: 'test',
      trigger: 'command',
      now: NOW,
    });

    const scan = join(mkdtempSync(join(tmpdir(), 'patchcall-listed-')), 'windows-2003.xml');
    writeFileSync(scan, windows2003Scan());
    const outcomes = importDocuments(ctx, [readDocumentFile(scan)], { actor: 'test' });
    await patchcall.reassessAfterImport(outcomes, 'test');

    const events = [...ctx.events.read<FactsChangedPayload>({ stream: 'decision:MS08-067' })].filter(
      (e) => e.type === LivingEvents.factsChanged,
    );
    expect(events).toHaveLength(1);
    const payload = events[0]!.payload;
    expect(payload.changes.assets).toHaveLength(LISTED_ASSET_CHANGES);
    expect(payload.changes.assets.every((a) => a.after.match === 'unknown')).toBe(true);
    // the 60 new hosts and printsrv, unknown before, whose establish step now names 61 assets
    const changed = NEW_HOSTS + 1;
    expect(payload.changesNotListed).toEqual({
      count: changed - LISTED_ASSET_CHANGES,
      byMatch: { unknown: changed - LISTED_ASSET_CHANGES },
    });
    // the summary, the notice and the assessment the card shows are taken from all of them
    expect(payload.changes.summary).toMatch(/^61 assets changed: /);
    expect(payload.notice.text).toContain('61 assets changed');
    const unknownNames = payload.assessment.summary.unknown!.assets.map((a) => a.name);
    for (let i = 0; i < NEW_HOSTS; i++) expect(unknownNames).toContain(`w${String(i).padStart(2, '0')}`);
    const state = loadDecision(ctx, 'MS08-067');
    expect(state.assessment).toEqual(payload.assessment);

    // the audit record carries the event as logged and verifies
    const file = join(dirname(dbPath), 'record.json');
    const exported = await cli(['--db', dbPath, '--at', NOW.toISOString(), 'export', 'MS08-067', '--out', file]);
    expect(exported.code).toBe(0);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { timeline: { type: string; summary: string }[] };
    const factsChanged = record.timeline.find((t) => t.type === LivingEvents.factsChanged)!;
    expect(factsChanged.summary).toContain('61 assets changed');
    const verified = await cli(['--db', dbPath, 'audit', 'verify', '--export', file]);
    expect(verified.code).toBe(0);
  });
});
