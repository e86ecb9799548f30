/** Everything a use case needs, opened once per process by an edge (CLI, Slack app, HTTP) and passed in. */
import type Database from 'better-sqlite3';
import type { ReleaseCalendars } from '../bulletins/release-cycle';
import { EventLog } from '../store/event-log';
import { openDatabase } from '../store/open-database';
import { BulletinProjection } from '../store/bulletin-projection';
import { defaultRulesDir, loadReleaseCalendars } from './rules-data';
import type { SigningKey } from '../audit/record-signature';
import { defaultSigningKeyPath, ephemeralSigningKey, loadOrCreateSigningKey } from './signing-key';

export interface AppContext {
  db: Database.Database;
  events: EventLog;
  bulletins: BulletinProjection;
  rulesDir: string;
  calendars: ReleaseCalendars;
  clock: () => Date;
  /** The installation's record-signing key (PATCHCALL_SIGNING_KEY, made at first start). */
  signingKey: SigningKey;
  close(): void;
}

export function openAppContext(options: {
  dbPath: string;
  rulesDir?: string;
  clock?: () => Date;
  signingKeyPath?: string;
}): AppContext {
  const rulesDir = options.rulesDir ?? defaultRulesDir();
  const calendars = loadReleaseCalendars(rulesDir);
  // an in-memory database keeps nothing, so neither does its key
  const signingKey =
    options.dbPath === ':memory:' && !options.signingKeyPath
      ? ephemeralSigningKey()
      : loadOrCreateSigningKey(options.signingKeyPath ?? defaultSigningKeyPath(options.dbPath));
  const db = openDatabase(options.dbPath);
  const clock = options.clock ?? (() => new Date());
  return {
    db,
    events: new EventLog(db, clock),
    bulletins: new BulletinProjection(db),
    rulesDir,
    calendars,
    clock,
    signingKey,
    close: () => db.close(),
  };
}
