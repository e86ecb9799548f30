/**
 * The numbered SQL files of db/migrations/postgres, applied in order by the owner role (`patchcall db migrate`),
 * each in its own transaction, under an advisory lock so that two migrators never interleave. The application role
 * cannot create tables: it only checks that the schema is the one this code knows.
 */
import { join } from 'node:path';
import type pg from 'pg';
import { PatchcallError } from '../../common/errors';
import { projectRoot } from '../../common/project-root';
import { readMigrations, type Migration } from '../migrations';
import { redact } from './pg-pool';

/** pg_advisory_lock key for migrations (any constant distinct from the append lock's). */
const MIGRATION_LOCK = 7_162_001;

export function postgresMigrations(): Migration[] {
  return readMigrations(join(projectRoot(), 'db', 'migrations', 'postgres'));
}

export function newestKnownVersion(migrations: Migration[] = postgresMigrations()): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** The applied schema version, or 0 for an empty database. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  if (!table.rows[0]!.exists) return 0;
  const { rows } = await client.query<{ version: number | null }>(
    'SELECT max(version)::int AS version FROM schema_migrations',
  );
  return rows[0]!.version ?? 0;
}

export async function migratePostgres(
  pool: pg.Pool,
  url: string,
  migrations = postgresMigrations(),
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`);
    await client.query(`DO $$ BEGIN
      IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN
        GRANT SELECT ON schema_migrations TO patchcall_app;
      END IF; END; $$`);
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    refuseNewer(Math.max(0, ...applied), newestKnownVersion(migrations), url);
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new PatchcallError(
          'CONFIG',
          `PostgreSQL migration ${migration.version} (${migration.name}) failed on ${redact(url)}: ${(error as Error).message}` +
            ((error as { code?: string }).code === '42501' ? ' (run `patchcall db migrate` as the owner role)' : ''),
        );
      }
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** For the application role: the schema must be exactly the one this code knows. */
export async function requireCurrentSchema(client: pg.ClientBase, url: string): Promise<number> {
  const version = await schemaVersion(client);
  const known = newestKnownVersion();
  refuseNewer(version, known, url);
  if (version < known)
    throw new PatchcallError(
      'CONFIG',
      `the PostgreSQL database ${redact(url)} is at schema version ${version}, this patchcall needs ${known}: ` +
        'run `patchcall db migrate` with the owner role (PATCHCALL_DATABASE_URL of the owner) first',
    );
  return version;
}

function refuseNewer(version: number, known: number, url: string): void {
  if (version > known)
    throw new PatchcallError(
      'DB_TOO_NEW',
      `${redact(url)} is at schema version ${version}, but this patchcall knows versions up to ${known}. ` +
        'It was written by a newer patchcall: upgrade patchcall.',
    );
}
