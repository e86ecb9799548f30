/**
 * The PostgreSQL store (`PATCHCALL_DATABASE_URL=postgres://…`) as far as it goes today: the event log with its
 * append-only guarantees, appends from several processes, followers, and the commands that move and check a log
 * (`db migrate`, `db copy`, `db check`, `audit verify`). The use cases that fold the log into decisions still run on
 * SQLite only; docs/postgres.md says what is left.
 */
import { join } from 'node:path';
import type pg from 'pg';
import { ChainVerifier, type ChainVerdict } from '../audit/hash-chain';
import { PatchcallError } from '../common/errors';
import { projectRoot } from '../common/project-root';
import { readMigrations } from '../store/migrations';
import { openReadOnlyLog } from '../store/read-only-log';
import type { StoredEvent } from '../store/event-log';
import { verifyLogInParallel } from '../store/verify-log-parallel';
import {
  APPEND_LOCK,
  PgEventLog,
  emptyColumns,
  insertRows,
  pushRow,
  verifyChain,
  type PgEventLogOptions,
} from '../store/postgres/pg-event-log';
import { PgLogFollower, type FollowerOptions } from '../store/postgres/pg-follower';
import { PgLeases } from '../store/postgres/pg-leases';
import { readExportFile } from '../store/postgres/pg-export-files';
import { PgUsergroups } from '../store/postgres/pg-usergroups';
import { PgHomeViews } from '../store/postgres/pg-home-views';
import {
  migratePostgres,
  newestKnownVersion,
  requireCurrentSchema,
  schemaVersion,
} from '../store/postgres/pg-migrations';
import { isPostgresUrl, openPool, redact, unreachable } from '../store/postgres/pg-pool';

export { isPostgresUrl };
export type { PgEventLog, PgLogFollower, PgLeases };

export interface PostgresLog {
  log: PgEventLog;
  /** Leases on outbox work shared by the replicas. */
  leases: PgLeases;
  /** Slack user-group members one replica heard of, for the others (LISTENs once started). */
  usergroups: PgUsergroups;
  /** What each person's App Home last showed, for every replica. */
  homeViews: PgHomeViews;
  /** Follows the log from `afterSeq`: LISTEN for appends, catch up by seq. Stopped by close(). */
  follow<E extends { seq: number } = StoredEvent>(options: FollowerOptions<E>): Promise<PgLogFollower<E>>;
  /** The bytes of an audit record file named in the log, checked against its digest (undefined when missing). */
  exportFile(sha256: string): Promise<string | undefined>;
  /** The database answers (`/readyz`). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the event log of a migrated database, as the application role would. */
export async function openPostgresLog(
  url: string,
  options: Omit<PgEventLogOptions, 'url'> & { poolSize?: number } = {},
): Promise<PostgresLog> {
  const pool = openPool(url, { max: options.poolSize ?? 4 });
  const followers: PgLogFollower[] = [];
  try {
    await withClient(pool, url, (client) => requireCurrentSchema(client, url));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const log = new PgEventLog(pool, { ...options, url });
  const usergroups = new PgUsergroups(pool, url);
  return {
    log,
    leases: new PgLeases(pool),
    exportFile: (sha256) => readExportFile(pool, sha256),
    usergroups,
    homeViews: new PgHomeViews(pool),
    async follow<E extends { seq: number } = StoredEvent>(followOptions: FollowerOptions<E>) {
      const follower = new PgLogFollower<E>(url, log, followOptions);
      followers.push(follower as unknown as PgLogFollower);
      await follower.start();
      return follower;
    },
    async reachable() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all([...followers.map((f) => f.stop()), usergroups.close()]);
      await pool.end();
    },
  };
}

/** `patchcall db migrate`: brings the schema up to date; run it as the owner role. */
export async function migratePostgresDatabase(url: string): Promise<{ applied: number[]; version: number }> {
  const pool = openPool(url, { max: 1 });
  try {
    const applied = await guard(url, () => migratePostgres(pool, url));
    const version = await withClient(pool, url, schemaVersion);
    return { applied, version };
  } finally {
    await pool.end();
  }
}

export interface CopyResult {
  copied: number;
  headSeq: number;
  headHash: string;
  /** The target's chain, walked after the copy inside the copying transaction. */
  target: ChainVerdict;
  migrated: number[];
}

const COPY_BATCH = 5_000;

/**
 * `patchcall db copy --to postgres://…`: the SQLite log, event for event with its seq, time and hashes, into an
 * empty PostgreSQL log. All or nothing: one transaction holding the append lock; the source chain is verified as
 * it is read (a broken source is refused, not copied), and the target's chain is walked before the commit.
 */
export async function copySqliteLogToPostgres(
  dbPath: string,
  url: string,
  onProgress?: (copied: number, total: number) => void,
): Promise<CopyResult> {
  const source = openReadOnlyLog(dbPath);
  const pool = openPool(url, { max: 1 });
  try {
    const migrated = await guard(url, () => migratePostgres(pool, url));
    const sourceHead = source.log.head();
    return await withClient(pool, url, async (client) => {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
      try {
        const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
        if (rows[0]!.count > 0)
          throw new PatchcallError(
            'CONFLICT',
            `${redact(url)} already holds ${rows[0]!.count} events; db copy fills an empty log only (nothing was copied)`,
          );
        const verifier = new ChainVerifier({ seq: 1 });
        let columns = emptyColumns();
        let copied = 0;
        for (const event of source.log.chain()) {
          if (!verifier.add(event)) break;
          pushRow(columns, event);
          if (columns[0].length >= COPY_BATCH) {
            await insertRows(client, columns);
            copied += columns[0].length;
            columns = emptyColumns();
            onProgress?.(copied, sourceHead.seq);
          }
        }
        const sourceVerdict = verifier.result();
        if (!sourceVerdict.ok)
          throw new PatchcallError(
            'CHAIN_BROKEN',
            `the chain of ${dbPath} is broken at event #${sourceVerdict.brokenAt} (${sourceVerdict.problem}); ` +
              'nothing was copied. `patchcall audit verify` shows the details',
          );
        if (columns[0].length > 0) await insertRows(client, columns);
        copied += columns[0].length;
        onProgress?.(copied, sourceHead.seq);
        const target = await verifyChain(client);
        if (!target.ok || target.headSeq !== sourceHead.seq || target.headHash !== sourceHead.hash)
          throw new PatchcallError(
            'CHAIN_BROKEN',
            `the copied chain does not match the source (target: ${JSON.stringify(target)}, source head #${sourceHead.seq} ${sourceHead.hash}); nothing was copied`,
          );
        await client.query('COMMIT');
        return { copied, headSeq: target.headSeq, headHash: target.headHash, target, migrated };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  } finally {
    source.close();
    await pool.end();
  }
}

export interface StoreCheck {
  store: 'sqlite' | 'postgres';
  /** The database, without a password. */
  location: string;
  schemaVersion: number;
  /** The newest schema version this patchcall knows for that store. */
  knownVersion: number;
  chain: ChainVerdict;
  /** What would let someone change the log or weaken the guarantees (PostgreSQL: privileges, missing triggers). */
  warnings: string[];
  serverVersion?: string;
  role?: string;
}

/** `patchcall db check`: schema version and chain of either store, and on PostgreSQL what the role could change. */
export async function checkStore(target: { dbPath: string } | { url: string }): Promise<StoreCheck> {
  if ('dbPath' in target) {
    const opened = openReadOnlyLog(target.dbPath);
    try {
      const known = readMigrations(join(projectRoot(), 'db', 'migrations')).reduce((m, x) => Math.max(m, x.version), 0);
      const chain = await verifyLogInParallel(target.dbPath);
      return {
        store: 'sqlite',
        location: target.dbPath,
        schemaVersion: opened.schemaVersion,
        knownVersion: known,
        chain,
        warnings: [],
      };
    } finally {
      opened.close();
    }
  }
  const { url } = target;
  const pool = openPool(url, { max: 2 });
  try {
    return await withClient(pool, url, async (client) => {
      const version = await schemaVersion(client);
      const { rows } = await client.query<{ server: string; role: string }>(
        'SELECT current_setting($1) AS server, current_user AS role',
        ['server_version'],
      );
      const { server, role } = rows[0]!;
      const warnings: string[] = [];
      let chain: ChainVerdict = { ok: true, count: 0, headSeq: 0, headHash: '0'.repeat(64) };
      if (version === 0) warnings.push('no patchcall schema here yet: run `patchcall db migrate` as the owner role');
      else {
        chain = await verifyChain(client);
        warnings.push(...(await guaranteeWarnings(client)));
      }
      return {
        store: 'postgres',
        location: redact(url),
        schemaVersion: version,
        knownVersion: newestKnownVersion(),
        chain,
        warnings,
        serverVersion: server,
        role,
      };
    });
  } finally {
    await pool.end();
  }
}

async function guaranteeWarnings(client: pg.ClientBase): Promise<string[]> {
  const warnings: string[] = [];
  const { rows } = await client.query<{ privilege: string; held: boolean; owner: boolean }>(
    `SELECT p AS privilege, has_table_privilege(current_user, 'events', p) AS held,
            pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'events'::regclass), 'USAGE') AS owner
     FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS p`,
  );
  if (rows[0]?.owner)
    warnings.push(
      'this role owns the events table (it could drop the triggers): run the application as a role with SELECT and INSERT only',
    );
  else
    for (const row of rows)
      if (row.held)
        warnings.push(`this role holds ${row.privilege} on events: revoke it (the application needs SELECT, INSERT)`);
  const triggers = await client.query<{ name: string }>(
    "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
  );
  const present = new Set(triggers.rows.map((t) => t.name));
  for (const name of ['events_no_update', 'events_no_delete', 'events_no_truncate', 'events_link', 'events_appended'])
    if (!present.has(name)) warnings.push(`trigger ${name} on events is missing or disabled`);
  return warnings;
}

/**
 * `patchcall audit verify` on a PostgreSQL log that a replica cannot follow (it refuses an event that does not match
 * its hash): the chain walked there, for the same report as on SQLite.
 */
export async function verifyPostgresLog(url: string): Promise<{ chain: ChainVerdict }> {
  const opened = await guard(url, () => openPostgresLog(url, { poolSize: 2 }));
  try {
    return { chain: await opened.log.verify() };
  } finally {
    await opened.close();
  }
}

async function withClient<T>(pool: pg.Pool, url: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await guard(url, () => pool.connect());
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** A server that cannot be reached becomes a clear UNAVAILABLE error naming the URL (without its password). */
async function guard<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unreachable(url, error) ?? error;
  }
}
