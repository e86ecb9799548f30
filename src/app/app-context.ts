/** Everything a use case needs, opened once per process by an edge (CLI, Slack app, HTTP) and passed in. */
import type Database from 'better-sqlite3';
import type { ReleaseCalendars } from '../bulletins/release-cycle';
import { EventLog } from '../store/event-log';
import { openDatabase } from '../store/open-database';
import { BulletinProjection } from '../store/bulletin-projection';
import { defaultRulesDir, loadReleaseCalendars } from './rules-data';

export interface AppContext {
  db: Database.Database;
  events: EventLog;
  bulletins: BulletinProjection;
  rulesDir: string;
  calendars: ReleaseCalendars;
  clock: () => Date;
  /** The moment `--at` replays; absent when acting now. Inventory facts dated after it are left out. */
  asOf?: Date;
  close(): void;
}

export function openAppContext(options: {
  dbPath: string;
  rulesDir?: string;
  clock?: () => Date;
  asOf?: Date;
}): AppContext {
  const rulesDir = options.rulesDir ?? defaultRulesDir();
  const calendars = loadReleaseCalendars(rulesDir);
  const db = openDatabase(options.dbPath);
  const clock = options.clock ?? (() => new Date());
  return {
    db,
    events: new EventLog(db, clock),
    bulletins: new BulletinProjection(db),
    rulesDir,
    calendars,
    clock,
    ...(options.asOf ? { asOf: options.asOf } : {}),
    close: () => db.close(),
  };
}
