/**
 * Opens the SQLite file, sets WAL (synchronous=FULL), foreign keys and the busy timeout, and brings the schema up to
 * date. Before anything is written, the path is checked: a folder that cannot exist, a file that is not SQLite, or
 * another application's SQLite database is refused with the reason, and a read-only command never creates a database.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';
import { projectRoot } from '../common/project-root';
import { migrate, readMigrations } from './migrations';
import { DEFAULT_BUSY_TIMEOUT_MS, registerWriteSettings } from './write-transaction';
import { ALL_LOOKUP_TABLES, recordDigests } from './projection-digests';

/** The schema version that introduced the recorded lookup-table digests. */
export const PROJECTION_DIGESTS_MIGRATION = 8;

export interface OpenDatabaseOptions {
  /** Refuse a database that does not exist yet, instead of creating it (every command but import and watch). */
  mustExist?: boolean;
  busyTimeoutMs?: number;
  /**
   * The file is a copy of a log kept durable elsewhere (a replica's copy of PostgreSQL's log): its commits need not
   * wait for the disk. WAL at NORMAL still keeps it consistent on a power cut; the last commits it loses are read
   * again from PostgreSQL when the replica catches up.
   */
  copyOfDurableLog?: boolean;
  /** Runs inside each migration's transaction, after its SQL (see migrate). */
  afterMigration?: (db: Database.Database, version: number) => void;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Schema versions this open applied (empty for an up-to-date database). */
  migrated: number[];
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  return openDatabaseWithMigrations(path, options).db;
}

export function openDatabaseWithMigrations(path: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  if (path !== ':memory:') checkDatabasePath(path, options.mustExist ?? false);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw badDatabase(path, `cannot open it: ${(error as Error).message}`);
  }
  try {
    registerWriteSettings(db, { path, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // every commit reaches the disk before it returns (fsync): a request is acknowledged after its event is written,
    // and Slack never sends an acknowledged click again. better-sqlite3 builds SQLite with WAL's default at NORMAL,
    // which survives a crash of the process but can lose the last commits on a power cut.
    db.pragma(options.copyOfDurableLog ? 'synchronous = NORMAL' : 'synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const opened = db;
    const migrated = migrate(db, readMigrations(join(projectRoot(), 'db', 'migrations')), path, (version) =>
      (options.afterMigration ?? recordFirstDigests)(opened, version),
    );
    return { db, migrated };
  } catch (error) {
    db.close();
    if (error instanceof PatchcallError) throw error;
    throw new PatchcallError('CONFIG', `cannot use database ${path}: ${(error as Error).message}`);
  }
}

/**
 * Without the app's hook (which re-derives the tables), a database upgraded to the digests schema takes its
 * tables as they are as the baseline; `audit verify` still re-derives them from the log.
 */
function recordFirstDigests(db: Database.Database, version: number): void {
  if (version !== PROJECTION_DIGESTS_MIGRATION) return;
  const newest = db.prepare("SELECT MAX(seq) AS seq FROM events WHERE type = 'source.imported'").get() as {
    seq: number | null;
  };
  recordDigests(db, ALL_LOOKUP_TABLES, newest.seq ?? 0);
}

function badDatabase(path: string, why: string): PatchcallError {
  return new PatchcallError('BAD_DATABASE', `database ${path}: ${why}`);
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function checkDatabasePath(path: string, mustExist: boolean): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw badDatabase(path, `cannot be read (${code})`);
    const blocker = fileInTheWay(path);
    if (blocker) throw badDatabase(path, `cannot exist: ${blocker} is a file, not a folder`);
    if (mustExist)
      throw badDatabase(
        path,
        'there is no database there. `patchcall import <file>` creates one; or point --db or PATCHCALL_DB at an existing database',
      );
    createFolders(path);
    return;
  }
  if (!stat.isFile()) throw badDatabase(path, 'is not a regular file (a folder or a device?)');
  if (stat.size === 0) {
    if (mustExist)
      throw badDatabase(path, 'is an empty file, not a patchcall database yet. `patchcall import <file>` fills it');
    return;
  }
  const header = readHeader(path);
  if (!header.equals(SQLITE_HEADER))
    throw badDatabase(
      path,
      'is not a SQLite database (its first bytes are not "SQLite format 3"); nothing was written to it',
    );
  refuseForeignDatabase(path);
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } catch (error) {
    throw badDatabase(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** Looks at the tables read-only: a SQLite file with tables but no patchcall schema belongs to someone else. */
function refuseForeignDatabase(path: string): void {
  let tables: string[];
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true });
    tables = (
      probe.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((row) => row.name);
  } catch (error) {
    throw badDatabase(path, `is not a readable SQLite database: ${(error as Error).message}`);
  } finally {
    probe?.close();
  }
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
    throw badDatabase(
      path,
      `is a SQLite database of another application (tables: ${shown}), not a patchcall database; nothing was written to it`,
    );
  }
}

/** The nearest ancestor of `path` that exists but is a file, which makes the path impossible. */
function fileInTheWay(path: string): string | undefined {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

/**
 * Creates the missing folders one level at a time: a recursive mkdir under /proc or a read-only mount can fail in
 * ways that loop or hide the cause, and each level's error names the folder it concerns.
 */
function createFolders(path: string): void {
  const missing: string[] = [];
  for (let dir = dirname(resolve(path)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      statSync(dir);
      break;
    } catch {
      missing.unshift(dir);
    }
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw badDatabase(path, `cannot create the folder ${dir} (${code ?? (error as Error).message})`);
    }
  }
}
