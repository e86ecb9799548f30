import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, utimesSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../../../src/app/app-context';
import { patchcallOver } from '../../../src/app/patchcall';
import { watchFeed, parseDuration, type WatchReport } from '../../../src/cli/commands/watch';
import { patchcall, tempDbPath } from '../../helpers/run-patchcall';

const kevPath = join(__dirname, '../../fixtures/kev/known_exploited_vulnerabilities.json');
const kev = readFileSync(kevPath);
/** The catalog as CISA would publish it the next day: one more entry, a new version. */
function nextVersion(): Buffer {
  const catalog = JSON.parse(kev.toString('utf8'));
  const added = {
    ...catalog.vulnerabilities[0],
    cveID: 'CVE-2008-4250',
    dateAdded: '2026-10-01',
    vendorProject: 'Microsoft',
    product: 'Windows',
  };
  catalog.vulnerabilities = [
    added,
    ...catalog.vulnerabilities.filter((v: { cveID: string }) => v.cveID !== 'CVE-2008-4250'),
  ];
  catalog.catalogVersion = '2026.10.01';
  catalog.count = catalog.vulnerabilities.length;
  return Buffer.from(JSON.stringify(catalog));
}

describe('patchcall watch', () => {
  let server: Server;
  let url: string;
  let body: Buffer = kev;
  const requests: { ifNoneMatch?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      requests.push({ ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}) });
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/known_exploited_vulnerabilities.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('--once imports the KEV feed from a URL, and a second run finds nothing new', async () => {
    const db = tempDbPath();
    body = kev;
    const first = await patchcall(['watch', url, '--once', '--db', db, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ location: url, imported: [{ format: 'kev', status: 'imported' }] });
    const second = await patchcall(['watch', url, '--once', '--db', db]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/nothing new/);
  });

  it('keeps polling with ETags and imports the changed catalog when it appears', async () => {
    const ctx = openAppContext({ dbPath: tempDbPath() });
    const reports: WatchReport[] = [];
    const stop = new AbortController();
    body = kev;
    requests.length = 0;
    try {
      const watching = watchFeed(patchcallOver(ctx), url, {
        everyMs: 20,
        once: false,
        actor: 'cli:tester',
        maxBytes: 64 * 1024 * 1024,
        signal: stop.signal,
        onReport: (report) => {
          reports.push(report);
          if (reports.length === 2) body = nextVersion();
          if (reports.filter((r) => r.kind === 'imported').length === 2) stop.abort();
        },
      });
      await watching;
      const kinds = reports.map((r) => r.kind);
      expect(kinds[0]).toBe('imported');
      expect(kinds[1]).toBe('unchanged-feed'); // 304: the ETag was sent back
      expect(kinds.at(-1)).toBe('imported');
      expect(requests[1]?.ifNoneMatch).toBeDefined();
      const imports = reports
        .filter((r): r is Extract<WatchReport, { kind: 'imported' }> => r.kind === 'imported')
        .map((r) => r.outcomes[0]!);
      expect(imports.map((o) => o.status)).toEqual(['imported', 'imported']);
      expect(imports[0]!.sha256).not.toBe(imports[1]!.sha256);
    } finally {
      stop.abort();
      ctx.close();
    }
  });

  it('watches a local file by modification time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-watch-'));
    const file = join(dir, 'kev.json');
    writeFileSync(file, kev);
    const ctx = openAppContext({ dbPath: tempDbPath() });
    const reports: WatchReport[] = [];
    const stop = new AbortController();
    try {
      await watchFeed(patchcallOver(ctx), file, {
        everyMs: 10,
        once: false,
        actor: 'cli:tester',
        maxBytes: 64 * 1024 * 1024,
        signal: stop.signal,
        onReport: (report) => {
          reports.push(report);
          if (reports.length === 2) {
            writeFileSync(file, nextVersion());
            utimesSync(file, new Date(), new Date(Date.now() + 5000));
          }
          if (reports.length === 3) stop.abort();
        },
      });
      expect(reports.map((r) => r.kind)).toEqual(['imported', 'unchanged-feed', 'imported']);
    } finally {
      ctx.close();
    }
  });

  it('reports an unreachable feed as a failure (exit 1) and a bad duration as a usage error (exit 2)', async () => {
    const down = await patchcall(['watch', 'http://127.0.0.1:9/kev.json', '--once', '--db', tempDbPath()]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/http:\/\/127.0.0.1:9\/kev.json: cannot fetch/);
    const bad = await patchcall(['watch', url, '--every', '5 minutes', '--db', tempDbPath()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--every takes a duration such as 30s/);
    expect([parseDuration('30s'), parseDuration('15m'), parseDuration('1h')]).toEqual([30_000, 900_000, 3_600_000]);
  });
});
