/** Everything a use case needs, opened once per process by an edge (CLI, Slack app, HTTP) and passed in. */
import type Database from 'better-sqlite3';
import type { AppContext } from './app-context-type';
import { EventLog } from '../store/event-log';
import { openDatabase, PROJECTION_DIGESTS_MIGRATION } from '../store/open-database';
import { BulletinProjection } from '../store/bulletin-projection';
import { LiveRulesFolder } from './rules-folder';
import type { SigningKey } from '../audit/record-signature';
import { defaultSigningKeyPath, ephemeralSigningKey, loadOrCreateSigningKey } from './signing-key';
import { rebuildProjections } from './import-documents';
import { assertTablesMatchLog } from './lookup-tables';

export type { AppContext };

export interface OpenAppContextOptions {
  dbPath: string;
  rulesDir?: string;
  clock?: () => Date;
  /** Mark every event written as a rehearsal (a simulated clock, PATCHCALL_REHEARSAL=1). */
  rehearsal?: boolean;
  /** Never time an event earlier than the head (a replica, whose head comes from other replicas' clocks). */
  monotonicTimes?: boolean;
  /** A replica's copy of PostgreSQL's log: commits need not reach the disk (src/store/open-database.ts). */
  copyOfDurableLog?: boolean;
  asOf?: Date;
  signingKeyPath?: string;
  /** Refuse a database that does not exist yet instead of creating it (read-only commands). */
  mustExist?: boolean;
  busyTimeoutMs?: number;
  /**
   * Refuse to open when a lookup table disagrees with the log (default). Off only for the commands that
   * report or repair the tables themselves (`audit verify`, `audit rebuild`) and for import, which checks
   * inside its own write transaction.
   */
  checkTables?: boolean;
}

export function openAppContext(options: OpenAppContextOptions): AppContext {
  const liveRules = new LiveRulesFolder(options.rulesDir);
  // loaded only once the database path has been checked, so a refused path leaves no key file behind
  let signingKey: SigningKey | undefined;
  const loadSigningKey = (): SigningKey =>
    (signingKey ??=
      // an in-memory database keeps nothing, so neither does its key
      options.dbPath === ':memory:' && !options.signingKeyPath
        ? ephemeralSigningKey()
        : loadOrCreateSigningKey(options.signingKeyPath ?? defaultSigningKeyPath(options.dbPath)));
  const clock = options.clock ?? (() => new Date());
  const contextOf = (db: Database.Database): AppContext => ({
    db,
    events: new EventLog(db, clock, options.rehearsal ?? false, options.monotonicTimes ?? false),
    bulletins: new BulletinProjection(db),
    rulesDir: liveRules.dir,
    get rules() {
      return liveRules.current;
    },
    liveRules,
    get calendars() {
      return liveRules.current.get('releaseCalendars');
    },
    clock,
    get signingKey() {
      return loadSigningKey();
    },
    ...(options.asOf ? { asOf: options.asOf } : {}),
    close: () => db.close(),
  });
  const db = openDatabase(options.dbPath, {
    ...(options.mustExist !== undefined ? { mustExist: options.mustExist } : {}),
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.copyOfDurableLog ? { copyOfDurableLog: true } : {}),
    afterMigration: (opened, version) => {
      // re-derived rather than taken as they are: older versions stored records in another key order
      if (version === PROJECTION_DIGESTS_MIGRATION) rebuildProjections(contextOf(opened));
    },
  });
  const ctx = contextOf(db);
  try {
    loadSigningKey();
    if (options.checkTables ?? true) assertTablesMatchLog(ctx);
  } catch (error) {
    db.close();
    throw error;
  }
  return ctx;
}
