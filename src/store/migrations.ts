/**
 * Applies the numbered SQL files of db/migrations in order, each in its own transaction, and records them.
 * A database that has migrations this code does not know was written by a newer patchcall: refuse it
 * rather than guess.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';
import { writeTransaction } from './write-transaction';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => {
      const [, version, name] = MIGRATION_FILE.exec(file)!;
      return { version: Number(version), name: name!, sql: readFileSync(join(dir, file), 'utf8') };
    });
}

/**
 * `afterEach` runs inside each migration's transaction: data that a new table needs (e.g. the digests of 008) is
 * filled in atomically with it, so another process never sees the table without it.
 */
export function migrate(
  db: Database.Database,
  migrations: Migration[],
  dbLabel: string,
  afterEach?: (version: number) => void,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newestKnown = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const newestApplied = Math.max(0, ...applied);
  if (newestApplied > newestKnown) {
    throw new PatchcallError(
      'DB_TOO_NEW',
      `${dbLabel} is at schema version ${newestApplied}, but this patchcall knows versions up to ${newestKnown}. ` +
        'It was written by a newer patchcall: upgrade patchcall, or point PATCHCALL_DB at another file.',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // another process may be applying the same migration: decide inside the write lock
    const appliedNow = writeTransaction(db, () => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version)) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      afterEach?.(migration.version);
      return true;
    });
    if (appliedNow) done.push(migration.version);
  }
  return done;
}
