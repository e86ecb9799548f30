/**
 * The CLI the same on both stores: `audit verify` gives the same report and exit code on PostgreSQL as on the SQLite
 * file it was copied from (and after the same tampering, done on PostgreSQL as a superuser who disables the
 * triggers); `export` and `audit rebuild` run on PostgreSQL; `/patch export` on one replica is uploaded by another's
 * record outbox with the bytes the log names, and the export is in the log every replica reads.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Patchcall } from '../../../src/app/patchcall';
import { openReplicaPatchcall, type ReplicaPatchcall } from '../../../src/app/replica-patchcall';
import { openPostgresLog } from '../../../src/app/postgres-store';
import { projectRoot } from '../../../src/common/project-root';
import { sha256Of } from '../../../src/store/export-files-store';
import { PEOPLE, sampleAssessment } from '../../decisions/sample-decision';
import { usePostgres } from '../../helpers/postgres';
import { patchcall, tempDbPath } from '../../helpers/run-patchcall';

const postgres = usePostgres();
const NOW = new Date('2026-12-06T10:00:00Z');
const assess = async (_ctx: unknown, bulletinId: string, now: Date) => ({
  ...sampleAssessment(),
  bulletinId,
  assessedAt: now.toISOString(),
});

function seedFiles(): string[] {
  const dir = join(projectRoot(), 'db', 'seed');
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));
}

/** The seed in a SQLite file and, moved by `db copy`, in a fresh PostgreSQL database. */
async function seedBoth(): Promise<{ dbPath: string; url: string; env: NodeJS.ProcessEnv }> {
  const dbPath = tempDbPath();
  expect((await patchcall(['--db', dbPath, 'import', ...seedFiles()])).code).toBe(0);
  const url = await postgres.freshDatabase();
  expect((await patchcall(['--db', dbPath, 'db', 'copy', '--to', url])).code).toBe(0);
  // the replica's signing key beside a SQLite path of its own, so that nothing reads the seeded file
  return { dbPath, url, env: { PATCHCALL_DATABASE_URL: url, PATCHCALL_DB: tempDbPath() } };
}

async function superuser<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('audit verify, the same on both stores', () => {
  test('the same report and exit code on the copied log, in JSON and in words, with --quick too', async () => {
    const { dbPath, env } = await seedBoth();
    for (const args of [
      ['--json', 'audit', 'verify'],
      ['audit', 'verify'],
      ['--json', 'audit', 'verify', '--quick'],
    ]) {
      const onSqlite = await patchcall(['--db', dbPath, ...args]);
      const onPostgres = await patchcall(args, { env });
      expect(onSqlite).toMatchObject({ code: 0, stderr: '' });
      expect({ code: onPostgres.code, stdout: onPostgres.stdout, stderr: onPostgres.stderr }).toEqual({
        code: 0,
        stdout: onSqlite.stdout,
        stderr: '',
      });
    }
    const report = (await patchcall(['--json', 'audit', 'verify'], { env })).json();
    expect(report).toMatchObject({ ok: true, tables: { ok: true } });
    expect(report.tables.checked).toBeGreaterThan(5);

    // anchors as posted to the audit channel: one that matches, then one whose hash is not the log's
    const { headSeq, headHash } = report as { headSeq: number; headHash: string };
    const anchors = join(tempDbPath(), '..', 'anchors.txt');
    const head = `patchcall anchor: seq=${headSeq} hash=${headHash}\n`;
    for (const [text, code] of [
      [head, 0],
      [`patchcall anchor: seq=2 hash=${'0'.repeat(64)}\n${head}`, 1],
    ] as const) {
      writeFileSync(anchors, text);
      const args = ['--json', 'audit', 'verify', '--anchors', anchors];
      const onSqlite = await patchcall(['--db', dbPath, ...args]);
      const onPostgres = await patchcall(args, { env });
      expect(onSqlite.code).toBe(code);
      expect({ code: onPostgres.code, stdout: onPostgres.stdout }).toEqual({ code, stdout: onSqlite.stdout });
    }
  });

  test('a payload rewritten behind the triggers is reported BROKEN at the same event with exit 1, as on SQLite', async () => {
    const { dbPath, url, env } = await seedBoth();
    const forged = await superuser(url, async (client) => {
      const { rows } = await client.query<{ payload: string }>('SELECT payload FROM events WHERE seq = 3');
      const payload = rows[0]!.payload.replace(/"/, '"forged":1,"');
      // what a superuser can do and the application role cannot: switch the append-only triggers off
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      await client.query('UPDATE events SET payload = $1 WHERE seq = 3', [payload]);
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
      return payload;
    });
    const db = new Database(dbPath);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET payload = ? WHERE seq = 3').run(forged);
    db.close();

    for (const args of [
      ['--json', 'audit', 'verify'],
      ['audit', 'verify'],
    ]) {
      const onSqlite = await patchcall(['--db', dbPath, ...args]);
      const onPostgres = await patchcall(args, { env });
      expect(onSqlite.code).toBe(1);
      expect({ code: onPostgres.code, stdout: onPostgres.stdout }).toEqual({ code: 1, stdout: onSqlite.stdout });
    }
    expect((await patchcall(['audit', 'verify'], { env })).stdout).toMatch(/^chain BROKEN at event #3: /);
  });
});

describe('export and audit rebuild on PostgreSQL', () => {
  let replicas: ReplicaPatchcall[] = [];
  afterEach(async () => {
    for (const replica of replicas) await replica.close();
    replicas = [];
  });

  async function replica(url: string): Promise<Patchcall> {
    const opened = await openReplicaPatchcall({ url, dbPath: tempDbPath(), clock: () => NOW, assess });
    replicas.push(opened);
    return opened.patchcall;
  }

  async function convene(app: Patchcall): Promise<void> {
    const membership = app.roleMembership({ members: async () => [PEOPLE.sys1] });
    const convened = await app.conveneDecision(membership, {
      bulletinId: 'MS08-067',
      actor: PEOPLE.owner,
      trigger: 'command',
      now: NOW,
    });
    expect(convened.status).toBe('convened');
  }

  test('`patchcall export` writes the record and the export into the shared log; audit verify --export and audit rebuild pass', async () => {
    const { url, env } = await seedBoth();
    await convene(await replica(url));
    const out = join(tempDbPath(), '..', 'record.json');
    const exported = await patchcall(['export', 'MS08-067', '--out', out, '--as', 'Auditor'], { env });
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: `wrote ${out}\n` });

    const log = await openPostgresLog(url);
    try {
      const exports = [];
      for await (const event of log.log.read({ stream: 'decision:MS08-067', type: 'decision.exported' }))
        exports.push(event);
      expect(exports).toHaveLength(1);
      expect(exports[0]!.payload).toMatchObject({
        userId: 'cli:tester',
        files: [{ name: out, format: 'json', sha256: sha256Of(readFileSync(out, 'utf8')) }],
      });
    } finally {
      await log.close();
    }
    const verified = await patchcall(['--json', 'audit', 'verify', '--export', out], { env });
    expect(verified.code).toBe(0);
    expect(verified.json()).toMatchObject({ ok: true, stream: 'decision:MS08-067' });

    const rebuilt = await patchcall(['--json', 'audit', 'rebuild'], { env });
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.json().replayed).toBeGreaterThan(5);
    const verify = await patchcall(['--json', 'audit', 'verify'], { env });
    expect(verify.code).toBe(0);
    expect(verify.json()).toMatchObject({ ok: true, tables: { ok: true } });
  });

  test('a kept replica cache whose lookup table was changed: audit verify says so, audit rebuild repairs it', async () => {
    const { dbPath, env } = await seedBoth();
    const cache = join(tempDbPath(), '..', 'replica-cache.db');
    const cached = { ...env, PATCHCALL_REPLICA_CACHE: cache };
    expect((await patchcall(['--json', 'audit', 'verify'], { env: cached })).code).toBe(0);
    const db = new Database(cache);
    db.exec('DELETE FROM inventory_assets WHERE rowid = (SELECT min(rowid) FROM inventory_assets)');
    db.close();
    // a command that reads refuses to answer from it, as from a SQLite file
    const refused = await patchcall(['assets'], { env: cached });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('disagree with the event log');

    const differs = await patchcall(['--json', 'audit', 'verify'], { env: cached });
    expect(differs.code).toBe(1);
    expect(differs.json()).toMatchObject({ ok: true, tables: { ok: false } });
    expect(JSON.stringify(differs.json().tables)).toContain('inventory_assets');
    expect((await patchcall(['audit', 'rebuild'], { env: cached })).code).toBe(0);
    const repaired = await patchcall(['--json', 'audit', 'verify'], { env: cached });
    expect(repaired.code).toBe(0);
    const onSqlite = await patchcall(['--db', dbPath, '--json', 'audit', 'verify']);
    expect(repaired.stdout).toBe(onSqlite.stdout);
  });

  test('/patch export on one replica: another replica uploads exactly the bytes, and the export is on the record', async () => {
    const { url } = await seedBoth();
    const asking = await replica(url);
    const uploading = await replica(url);
    await convene(asking);
    // the channel as the Slack outbox records it once Slack has created it
    const log = await openPostgresLog(url);
    const channelEvent = await log.log
      .append({
        stream: 'decision:MS08-067',
        type: 'decision.channel-created',
        actor: 'system',
        payload: { id: 'C0DECISION', name: 'patch-ms08-067' },
      })
      .finally(() => log.close());
    while ((asking.loadDecision('MS08-067').lastSeq ?? 0) < channelEvent.seq)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await asking.exportDecisionToChannel(
      { decision: 'MS08-067', format: 'json', userId: PEOPLE.owner, admins: [PEOPLE.owner], now: NOW },
      { readThread: async () => ({ messages: [], names: {} }) },
      () => ({ network: [], security: [], sysadmin: [PEOPLE.sys1], owner: [PEOPLE.owner], delegate: [] }),
    );
    if (result.kind !== 'requested') throw new Error(`export not requested: ${result.kind}`);

    const uploads: { channel: string; name: string; content: string }[] = [];
    const outbox = uploading.recordOutbox(
      {
        postAnchor: async () => '1.0',
        findAnchor: async () => undefined,
        upload: async (channel, file) => (uploads.push({ channel, ...file }), `F${uploads.length}`),
        findUpload: async () => undefined,
      },
      { sweepMs: 50, leaseMs: 2_000 },
    );
    // the request reaches the other replica's copy by the follower
    while (uploading.loadDecision('MS08-067').lastSeq! < result.state.lastSeq!)
      await new Promise((resolve) => setTimeout(resolve, 20));
    outbox.start();
    while (outbox.exportOutcome('MS08-067', result.request.key).kind === 'pending') {
      outbox.nudge();
      await outbox.idle();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await outbox.stop();
    expect(outbox.exportOutcome('MS08-067', result.request.key)).toMatchObject({ kind: 'exported' });
    expect(uploads).toHaveLength(1);
    expect(sha256Of(uploads[0]!.content)).toBe(result.request.files[0]!.sha256);
    expect(JSON.parse(uploads[0]!.content)).toMatchObject({ format: 'patchcall/audit-record' });

    // the asking replica sees the export on the record too, and the chain verifies in PostgreSQL
    const head = uploading.loadDecision('MS08-067').lastSeq!;
    while (asking.loadDecision('MS08-067').lastSeq! < head) await new Promise((resolve) => setTimeout(resolve, 20));
    const verdict = await asking.verifyEventLog();
    expect(verdict).toMatchObject({ chain: { ok: true }, tables: { ok: true } });
  });
});
