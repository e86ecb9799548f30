/** What a use case receives: the store and the settings an edge opened (see app-context.ts). */
import type Database from 'better-sqlite3';
import type { ReleaseCalendars } from '../bulletins/release-cycle';
import type { EventLog } from '../store/event-log';
import type { BulletinProjection } from '../store/bulletin-projection';
import type { LiveRulesFolder, RulesFolder } from './rules-folder';
import type { SigningKey } from '../audit/record-signature';
import type { Asset, AssetMatch } from '../inventory/model';
import type { Bulletin } from '../bulletins/model';
import type { ReplicaPort } from './replica-write';

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
  readonly signingKey: SigningKey;
  /** The moment `--at` replays; absent when acting now. Inventory facts dated after it are left out. */
  asOf?: Date;
  /**
   * The current assets as a run that looks at many decisions already read them (a re-assessment shares one read
   * between its decisions); absent everywhere else, and then the assets are read from the store.
   */
  readonly loadedAssets?: Asset[];
  /**
   * The same run's answers, shared by its steps: each bulletin matched once against the assets it read (the
   * fingerprint, the assessment and the snapshot all ask), and the exposure of matches already computed once.
   */
  readonly sharedMatches?: (bulletin: Bulletin, rules: RulesFolder) => AssetMatch[] | undefined;
  readonly sharedExposure?: <T>(matches: AssetMatch[], rules: RulesFolder, compute: () => T) => T;
  /** Set on a PostgreSQL replica: `db` is then its local copy of the log, and writes go through this. */
  replica?: ReplicaPort;
  close(): void;
}
