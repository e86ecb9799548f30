/**
 * A SQLite database opened read-only for the commands that only look at the log (`db check`, `db copy`): no
 * migration runs, nothing is written, and a file that is not a patchcall database is refused with the reason.
 */
import Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';
import { EventLog } from './event-log';

export interface ReadOnlyLog {
  schemaVersion: number;
  log: EventLog;
  close(): void;
}

export function openReadOnlyLog(path: string): ReadOnlyLog {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new PatchcallError('BAD_DATABASE', `database ${path}: cannot open it read-only: ${(error as Error).message}`);
  }
  try {
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (!tables.has('schema_migrations') || !tables.has('events'))
      throw new PatchcallError('BAD_DATABASE', `database ${path}: not a patchcall database (no event log in it)`);
    const { version } = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    return { schemaVersion: version ?? 0, log: new EventLog(db), close: () => db.close() };
  } catch (error) {
    db.close();
    if (error instanceof PatchcallError) throw error;
    throw new PatchcallError('BAD_DATABASE', `database ${path}: ${(error as Error).message}`);
  }
}
