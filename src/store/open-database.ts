/** Opens (and creates) the SQLite file, sets WAL and foreign keys, and brings the schema up to date. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';
import { projectRoot } from '../common/project-root';
import { migrate, readMigrations } from './migrations';

export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new PatchcallError('CONFIG', `cannot open database ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, readMigrations(join(projectRoot(), 'db', 'migrations')), path);
  } catch (error) {
    db.close();
    if (error instanceof PatchcallError) throw error;
    throw new PatchcallError('CONFIG', `cannot use database ${path}: ${(error as Error).message}`);
  }
  return db;
}
