/**
 * `patchcall import <file>` in its own process, as the bench and an operator run it, on a real SQLite file with the
 * bundled example: a process starts with nothing in memory, so only the inputs fingerprint logged with each
 * decision's assessment can tell it that an unrelated file leaves a decision alone. Importing an unrelated host
 * (a Debian build server, proven not affected by MS08-067's Windows products) twice appends nothing to the decision;
 * a relevant file (another Windows 2003 host) still re-opens it.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../../src/app/app-context';
import { importDocuments } from '../../src/app/import-documents';
import { patchcallOver } from '../../src/app/patchcall';
import { readDocumentFile } from '../../src/app/read-document';
import { LivingEvents } from '../../src/decisions/living-decision';
import { tempDbPath } from '../helpers/run-patchcall';
import { runPatchcall } from '../helpers/spawn-patchcall';

const root = join(__dirname, '../..');
const seedDir = join(root, 'db/seed');
const NOW = new Date('2008-10-23T18:30:00Z');

function decisionEvents(dbPath: string): { type: string }[] {
  const ctx = openAppContext({ dbPath, clock: () => NOW });
  try {
    return [...ctx.events.read({ stream: 'decision:MS08-067' })].map((e) => ({ type: e.type }));
  } finally {
    ctx.close();
  }
}

describe('patchcall import in its own process, after the call is convened', () => {
  jest.setTimeout(240_000);

  it('an unrelated host imported twice appends nothing to the decision; a relevant host re-opens it', async () => {
    const dbPath = tempDbPath();
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-cli-reassess-'));
    const ctx = openAppContext({ dbPath, clock: () => NOW });
    try {
      const files = readdirSync(seedDir)
        .filter((f) => !f.endsWith('.md'))
        .sort()
        .map((f) => join(seedDir, f));
      for (const file of files) importDocuments(ctx, [readDocumentFile(file)], { actor: 'test' });
      const patchcall = patchcallOver(ctx);
      const membership = patchcall.roleMembership({ members: async () => [] });
      await patchcall.conveneDecision(membership, {
        bulletinId: 'MS08-067',
        actor: 'U0SEC0001',
        trigger: 'command',
        now: NOW,
      });
    } finally {
      ctx.close();
    }
    const printsrv = readFileSync(join(__dirname, '../fixtures/living/nmap-printsrv-2008-10-25.xml'), 'utf8');
    const unrelated = (n: number) =>
      printsrv.replaceAll('10.30.0.50', `10.30.9.${n}`).replaceAll('printsrv', `build0${n}`);
    const env = { PATCHCALL_DB: dbPath, PATCHCALL_REHEARSAL: '1' };
    const before = decisionEvents(dbPath);

    for (const n of [1, 2]) {
      const file = join(dir, `build0${n}.xml`);
      writeFileSync(file, unrelated(n));
      const result = await runPatchcall(['import', file, '--json'], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).decisions).toEqual([]);
    }
    const after = decisionEvents(dbPath);
    expect(after.slice(before.length).map((e) => e.type)).toEqual([]);

    // the seed scan again with web01 renamed: a new Windows 2003 host, news for the worse
    const web09 = readFileSync(join(seedDir, 'nmap-scan.xml'), 'utf8')
      .replaceAll('10.10.0.11', '10.10.0.19')
      .replaceAll('web01', 'web09')
      .replaceAll('WEB01', 'WEB09');
    writeFileSync(join(dir, 'web09.xml'), web09);
    const relevant = await runPatchcall(['import', join(dir, 'web09.xml'), '--json'], { env });
    expect(relevant.code).toBe(0);
    expect(JSON.parse(relevant.stdout).decisions).toEqual([
      expect.objectContaining({ decisionId: 'MS08-067', result: 'facts-changed' }),
    ]);
    const types = decisionEvents(dbPath)
      .slice(after.length)
      .map((e) => e.type);
    expect(types).toContain(LivingEvents.factsChanged);
  });
});
