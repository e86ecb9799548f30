/** Tables fit the terminal, long lists are cut to a count, and a database from before the filter check is refused by exposure. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAppContext } from '../../src/app/app-context';
import { SOURCE_IMPORTED } from '../../src/app/import-documents';
import { recordProjection } from '../../src/app/lookup-tables';
import { projectBatch } from '../../src/app/project-batch';
import { sniffDocument } from '../../src/app/read-document';
import { parseNetworkDescription } from '../../src/exposure/parsers/network-description';
import { renderTable, summariseNames } from '../../src/cli/output';
import { tempDbPath } from '../helpers/run-patchcall';
import { spawnPatchcall } from '../helpers/spawn-patchcall';

describe('human output', () => {
  it('fits a table into the terminal width, wrapping the widest column, with the header first', () => {
    const rows = [['web01', 'dmz, servers, office, staging, management, cloud, internet', 'open']];
    const text = renderTable({ colour: false, columns: 40 }, ['ASSET', 'REACHABLE FROM', 'EXPOSURE'], rows);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ASSET +REACHABLE FROM +EXPOSURE$/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(lines.length).toBeGreaterThan(2);
    expect(text.replace(/\s+/g, ' ')).toContain('dmz, servers, office,');
    const wide = renderTable({ colour: false }, ['ASSET', 'REACHABLE FROM', 'EXPOSURE'], rows);
    expect(wide.split('\n')[1]).toBe('web01  dmz, servers, office, staging, management, cloud, internet  open');
  });

  it('summarises a long list to the first names and a count, and lists all when asked', () => {
    const names = Array.from({ length: 58 }, (_, i) => `rtr-branch${i + 1}`);
    expect(summariseNames(names, false)).toBe(
      'rtr-branch1, rtr-branch2, rtr-branch3, rtr-branch4, rtr-branch5, … (58 names; --verbose lists all)',
    );
    expect(summariseNames(names, true).split(', ')).toHaveLength(58);
    expect(summariseNames(['a', 'b'], false)).toBe('a, b');
  });
});

describe('exposure on a database written before imports checked filter names', () => {
  it('refuses a guard that names no imported filter, naming the place and the way out', async () => {
    const db = tempDbPath();
    const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);
    expect(
      (await spawnPatchcall(['--db', db, 'import', seed('ms08-067.bulletin.yaml'), seed('cmdb-servers.csv')])).code,
    ).toBe(0);
    // what an older patchcall accepted: the network description alone, its guards naming filters nobody imported
    const ctx = openAppContext({ dbPath: db });
    try {
      const network = parseNetworkDescription(sniffDocument('network.yaml', readFileSync(seed('network.yaml'))));
      const batch = { kind: 'network' as const, network };
      ctx.db.transaction(() => {
        const event = ctx.events.append({
          type: SOURCE_IMPORTED,
          stream: 'source:legacy-network',
          actor: 'test',
          payload: { format: 'network', document: 'network.yaml', sha256: 'legacy', bytes: 0, batch },
        });
        projectBatch(ctx, event.seq, batch);
        // as an import does: the tables' digests are recorded, so the tables agree with the log
        recordProjection(ctx, event.seq, ['network']);
      })();
    } finally {
      ctx.close();
    }
    const result = await spawnPatchcall(['--db', db, 'exposure', 'MS08-067']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^patchcall: network\.yaml \(at \/guards\/0\/filter\): filter "edge" \(guarding dmz, servers, office, staging, management\) is not imported\. .*assumeOpen: true/,
    );
  });
});
