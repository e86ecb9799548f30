/** Everything a use case needs, opened once per process by an edge (CLI, Slack app, HTTP) and passed in. */
import type Database from 'better-sqlite3';
import type { ReleaseCalendars } from '../bulletins/release-cycle';
import { EventLog } from '../store/event-log';
import { openDatabase } from '../store/open-database';
import { BulletinProjection } from '../store/bulletin-projection';
import { LiveRulesFolder, type RulesFolder } from './rules-folder';
import type { SigningKey } from '../audit/record-signature';
import { defaultSigningKeyPath, ephemeralSigningKey, loadOrCreateSigningKey } from './signing-key';

export interface AppContext {
  db: Database.Database;
  events: EventLog;
  bulletins: BulletinProjection;
  rulesDir: string;
  /** The rules as they are now; take it once per use case so one answer comes from one version of the rules. */
  readonly rules: RulesFolder;
  /** For a long-running app: reload the rules on request or on change. */
  liveRules: LiveRulesFolder;
  readonly calendars: ReleaseCalendars;
  clock: () => Date;
  /** The installation's record-signing key (PATCHCALL_SIGNING_KEY, made at first start). */
  signingKey: SigningKey;
  /** The moment `--at` replays; absent when acting now. Inventory facts dated after it are left out. */
  asOf?: Date;
  close(): void;
}

export function openAppContext(options: {
  dbPath: string;
  rulesDir?: string;
  clock?: () => Date;
  asOf?: Date;
  signingKeyPath?: string;
}): AppContext {
  const liveRules = new LiveRulesFolder(options.rulesDir);
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
    rulesDir: liveRules.dir,
    get rules() {
      return liveRules.current;
    },
    liveRules,
    get calendars() {
      return liveRules.current.get('releaseCalendars');
    },
    clock,
    signingKey,
    ...(options.asOf ? { asOf: options.asOf } : {}),
    close: () => db.close(),
  };
}
