/** The event log on a real PostgreSQL server: the SQLite log's contract, the triggers, the roles, the follower. */
import pg from 'pg';
import { openPostgresLog, migratePostgresDatabase, checkStore } from '../../../src/app/postgres-store';
import type { StoredEvent } from '../../../src/store/event-log';
import { usePostgres } from '../../helpers/postgres';

const postgres = usePostgres();

async function migratedDatabase(): Promise<string> {
  const url = await postgres.freshDatabase();
  await migratePostgresDatabase(url);
  return url;
}

async function query(url: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

const event = (i: number, stream = 'decision:MS08-067') => ({
  type: 'position.taken',
  stream,
  actor: `U${i}`,
  payload: { i, note: `näive ✓ ${i}` },
});

describe('the PostgreSQL event log', () => {
  test('concurrent appends get gapless seqs, each chained to the one before, and read back as written', async () => {
    const url = await migratedDatabase();
    const store = await openPostgresLog(url);
    try {
      const stored = await Promise.all(Array.from({ length: 300 }, (_, i) => store.log.append(event(i))));
      expect(stored.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      const read: StoredEvent[] = [];
      for await (const e of store.log.read()) read.push(e);
      expect(read.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      for (let i = 1; i < read.length; i++) expect(read[i]!.prevHash).toBe(read[i - 1]!.hash);
      // each caller gets back its own event as stored
      const bySeq = new Map(read.map((e) => [e.seq, e]));
      for (const e of stored) expect(bySeq.get(e.seq)).toEqual(e);
      expect(await store.log.verify()).toMatchObject({ ok: true, count: 300, headSeq: 300, headHash: read[299]!.hash });
      expect(await store.log.head()).toEqual({ seq: 300, hash: read[299]!.hash });
    } finally {
      await store.close();
    }
  });

  test('reads filter by stream, prefix, type and seq like the SQLite log', async () => {
    const url = await migratedDatabase();
    const store = await openPostgresLog(url);
    try {
      await store.log.appendAll([event(1, 'decision:A'), event(2, 'bulletin:B'), event(3, 'decision:C')]);
      const seqs = async (filter: Parameters<typeof store.log.read>[0]) => {
        const found: number[] = [];
        for await (const e of store.log.read(filter)) found.push(e.seq);
        return found;
      };
      expect(await seqs({ stream: 'decision:A' })).toEqual([1]);
      expect(await seqs({ streamPrefix: 'decision:' })).toEqual([1, 3]);
      expect(await seqs({ type: 'position.taken', afterSeq: 1 })).toEqual([2, 3]);
      expect(await seqs({ type: 'other' })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test('appendAll is all or nothing: an event that cannot be stored leaves the log as it was', async () => {
    const url = await migratedDatabase();
    const store = await openPostgresLog(url);
    try {
      await store.log.append(event(1));
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(store.log.appendAll([event(2), { ...event(3), payload: circular }])).rejects.toThrow();
      expect(await store.log.count()).toBe(1);
      expect((await store.log.appendAll([event(4)]))[0]!.seq).toBe(2);
    } finally {
      await store.close();
    }
  });

  test('a read-decide-append transaction from two processes never loses an update (the head is read under the lock)', async () => {
    const url = await migratedDatabase();
    const [a, b] = [await openPostgresLog(url), await openPostgresLog(url)];
    try {
      const increment = (store: typeof a) =>
        store.log.transaction(async (tx) => {
          let counter = 0;
          for await (const e of tx.read<{ counter: number }>({
            type: 'counter',
            afterSeq: Math.max(0, tx.head.seq - 1),
          }))
            counter = e.payload.counter;
          return (
            await tx.append([{ type: 'counter', stream: 'c', actor: 'x', payload: { counter: counter + 1 } }])
          )[0];
        });
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
      const counters: number[] = [];
      for await (const e of a.log.read<{ counter: number }>()) counters.push(e.payload.counter);
      expect(counters).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a serialization failure is retried from a fresh head; another error fails the append and writes nothing', async () => {
    const url = await migratedDatabase();
    // the server itself fails the first two inserts with 40001 (a sequence, because it survives the rollback)
    await query(
      url,
      `CREATE SEQUENCE attempts;
       CREATE FUNCTION flaky() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         IF nextval('attempts') <= 2 THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF;
         IF current_setting('application_name') = 'broken' THEN RAISE EXCEPTION 'not transient'; END IF;
         RETURN NULL; END $$;
       CREATE TRIGGER flaky BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION flaky();
       ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_isolation = 'serializable'`,
    );
    const store = await openPostgresLog(url);
    try {
      expect(await store.log.append(event(1))).toMatchObject({ seq: 1 });
      expect((await query(url, 'SELECT last_value FROM attempts')).rows[0]).toEqual({ last_value: '3' });
      expect(await store.log.verify()).toMatchObject({ ok: true, count: 1 });
    } finally {
      await store.close();
    }
    const broken = await openPostgresLog(url.replace(/\/([^/]+)$/, '/$1?application_name=broken'));
    try {
      await expect(broken.log.append(event(2))).rejects.toThrow('not transient');
      expect(await broken.log.count()).toBe(1);
    } finally {
      await broken.close();
    }
  });

  test('UPDATE, DELETE and TRUNCATE are refused by the triggers, even for the owner; a gap or a fork is refused too', async () => {
    const url = await migratedDatabase();
    const store = await openPostgresLog(url);
    try {
      await store.log.appendAll([event(1), event(2)]);
      await expect(query(url, "UPDATE events SET actor = 'mallory'")).rejects.toThrow(
        'events are append-only: UPDATE refused',
      );
      await expect(query(url, 'DELETE FROM events WHERE seq = 2')).rejects.toThrow(
        'events are append-only: DELETE refused',
      );
      await expect(query(url, 'TRUNCATE events')).rejects.toThrow('events are append-only: TRUNCATE refused');
      const head = await store.log.head();
      const insert = 'INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
      await expect(query(url, insert, [5, 'now', 'a', 't', 's', '{}', head.hash, 'f'.repeat(64)])).rejects.toThrow(
        'event 5 does not continue the chain at seq 2',
      );
      await expect(query(url, insert, [3, 'now', 'a', 't', 's', '{}', '1'.repeat(64), 'f'.repeat(64)])).rejects.toThrow(
        'event 3 does not continue the chain',
      );
      expect(await store.log.verify()).toMatchObject({ ok: true, count: 2 });
    } finally {
      await store.close();
    }
  });

  test('a changed event (triggers disabled by a superuser) is found by verify at its seq', async () => {
    const url = await migratedDatabase();
    const store = await openPostgresLog(url);
    try {
      await store.log.appendAll([event(1), event(2), event(3)]);
      await query(
        url,
        `ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET payload = '{"i":99}' WHERE seq = 2; ALTER TABLE events ENABLE TRIGGER USER`,
      );
      expect(await store.log.verify()).toMatchObject({ ok: false, brokenAt: 2, count: 1 });
    } finally {
      await store.close();
    }
  });

  test('the application role may read and append, and is refused UPDATE, DELETE and TRUNCATE by its grants', async () => {
    const server = postgres.server();
    await server.admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_owner') THEN CREATE ROLE patchcall_owner LOGIN; END IF; " +
        "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN CREATE ROLE patchcall_app LOGIN; END IF; END $$",
    );
    const ownerUrl = await postgres.freshDatabase('patchcall_owner');
    const appUrl = ownerUrl.replace('patchcall_owner@', 'patchcall_app@');
    await server.admin(`REVOKE ALL ON DATABASE "${new URL(ownerUrl).pathname.slice(1)}" FROM PUBLIC`);
    await server.admin(`GRANT CONNECT ON DATABASE "${new URL(ownerUrl).pathname.slice(1)}" TO patchcall_app`);
    expect((await migratePostgresDatabase(ownerUrl)).version).toBe(14);

    const app = await openPostgresLog(appUrl);
    try {
      await app.log.appendAll([event(1), event(2)]);
      expect(await app.log.verify()).toMatchObject({ ok: true, count: 2 });
      for (const sql of ["UPDATE events SET actor = 'mallory'", 'DELETE FROM events', 'TRUNCATE events'])
        await expect(query(appUrl, sql)).rejects.toMatchObject({
          code: '42501',
          message: 'permission denied for table events',
        });
      await expect(query(appUrl, 'ALTER TABLE events DISABLE TRIGGER USER')).rejects.toThrow('must be owner');
      // the bytes of audit records: written once beside the request that names them, never changed
      const sha = 'a'.repeat(64);
      await query(appUrl, `INSERT INTO export_files VALUES ('${sha}', 'x', '2026-12-06T10:00:00Z')`);
      for (const sql of ["UPDATE export_files SET content = 'y'", 'DELETE FROM export_files'])
        await expect(query(appUrl, sql)).rejects.toMatchObject({ code: '42501' });
      await expect(query(appUrl, 'CREATE TABLE sneaky (x int)')).rejects.toThrow('permission denied for schema public');
      const check = await checkStore({ url: appUrl });
      expect(check).toMatchObject({ store: 'postgres', role: 'patchcall_app', schemaVersion: 14, warnings: [] });
      expect((await checkStore({ url: ownerUrl })).warnings).toEqual([
        expect.stringContaining('this role owns the events table'),
      ]);
    } finally {
      await app.close();
    }
  });

  test('the application role cannot migrate; an unmigrated database is refused with what to run', async () => {
    const url = await postgres.freshDatabase();
    await expect(openPostgresLog(url)).rejects.toThrow(
      /schema version 0, this patchcall needs 14: run `patchcall db migrate`/,
    );
  });

  test('a follower catches up from its last seen seq, then follows appends made elsewhere, in order, once each', async () => {
    const url = await migratedDatabase();
    const writer = await openPostgresLog(url);
    const reader = await openPostgresLog(url);
    try {
      await writer.log.appendAll(Array.from({ length: 10 }, (_, i) => event(i)));
      const seen: number[] = [];
      const follower = await reader.follow({
        afterSeq: 4,
        onEvents: (events) => void seen.push(...events.map((e) => e.seq)),
      });
      expect(seen).toEqual([5, 6, 7, 8, 9, 10]);
      await Promise.all(Array.from({ length: 50 }, (_, i) => writer.log.append(event(100 + i))));
      await follower.waitFor(60);
      expect(seen).toEqual(Array.from({ length: 56 }, (_, i) => i + 5));
      expect(follower.lastSeq).toBe(60);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});
