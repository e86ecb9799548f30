/** What a use case receives: the store and the settings an edge opened (see app-context.ts). */
import type Database from 'better-sqlite3';
import type { ReleaseCalendars } from '../bulletins/release-cycle';
import type { EventLog } from '../store/event-log';
import type { BulletinProjection } from '../store/bulletin-projection';

export interface AppContext {
  db: Database.Database;
  events: EventLog;
  bulletins: BulletinProjection;
  rulesDir: string;
  calendars: ReleaseCalendars;
  clock: () => Date;
  close(): void;
}
