/**
 * The run that shares one read of the inventory between decisions (`reassessDecisions`) appends the same events
 * as the plain definition (`reassessDecision` per decision, each reading its own inputs), on two copies of the
 * bundled example given the same later inputs: a new Windows 2003 host, a KEV listing and a CMDB export.
 */
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext, type AppContext } from '../../src/app/app-context';
import { assessForDecision } from '../../src/app/convene-assessment';
import { listDecisions } from '../../src/app/decision-log';
import { importDocuments } from '../../src/app/import-documents';
import { patchcallOver } from '../../src/app/patchcall';
import { readDocumentFile } from '../../src/app/read-document';
import { reassessDecision, reassessDecisions } from '../../src/app/reassess-decisions';
import { tempDbPath } from '../helpers/run-patchcall';

const root = join(__dirname, '../..');
const seedDir = join(root, 'db/seed');
const NOW = new Date('2008-10-24T12:00:00Z');

async function example(): Promise<AppContext> {
  const ctx = openAppContext({ dbPath: tempDbPath(), clock: () => NOW });
  for (const file of readdirSync(seedDir)
    .filter((f) => !f.endsWith('.md'))
    .sort())
    importDocuments(ctx, [readDocumentFile(join(seedDir, file))], { actor: 'test' });
  const patchcall = patchcallOver(ctx);
  const membership = patchcall.roleMembership({ members: async () => [] });
  await patchcall.conveneDecision(membership, {
    bulletinId: 'MS08-067',
    actor: 'U0SEC0001',
    trigger: 'command',
    now: NOW,
  });
  return ctx;
}

function decisionEvents(ctx: AppContext): unknown[] {
  return [...ctx.events.read()]
    .filter((e) => e.stream.startsWith('decision:'))
    .map((e) => ({ stream: e.stream, type: e.type, at: e.at, payload: e.payload }));
}

describe('re-assessment: the shared run and the plain definition', () => {
  jest.setTimeout(120_000);
  const contexts: AppContext[] = [];
  afterAll(() => contexts.forEach((c) => c.close()));

  it('append the same events for the same later inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-shared-'));
    const web03 = join(dir, 'nmap-web03.xml');
    writeFileSync(
      web03,
      readFileSync(join(seedDir, 'nmap-scan.xml'), 'utf8')
        .replaceAll('10.10.0.11', '10.10.0.13')
        .replaceAll('web01', 'web03')
        .replaceAll('WEB01', 'WEB03'),
    );
    const later = [web03, join(__dirname, '../fixtures/living/kev-ms08-067.json')];
    const [shared, plain] = [await example(), await example()];
    contexts.push(shared, plain);
    for (const file of later) {
      const request = { actor: 'test', cause: `import of ${file}` };
      importDocuments(shared, [readDocumentFile(file)], { actor: 'test' });
      await reassessDecisions(shared, assessForDecision, request);
      importDocuments(plain, [readDocumentFile(file)], { actor: 'test' });
      for (const decision of listDecisions(plain)) await reassessDecision(plain, assessForDecision, decision, request);
    }
    const events = decisionEvents(shared);
    expect(events.map((e) => (e as { type: string }).type)).toContain('decision.facts-changed');
    expect(decisionEvents(plain)).toEqual(events);
  });
});
