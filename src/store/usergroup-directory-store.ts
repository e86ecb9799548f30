/**
 * Slack's user groups by handle as Slack last listed them (db/migrations/018). Written through `writeTransaction`
 * like every row; a whole listing replaces what was there, an event about one group changes that group only.
 */
import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';

export interface ListedGroup {
  id: string;
  handle: string;
  name: string;
}

export class UserGroupDirectoryStore {
  private readonly readAll: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly drop: Database.Statement;
  private readonly dropAll: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.readAll = db.prepare('SELECT group_id AS id, handle, name FROM slack_usergroup_directory ORDER BY group_id');
    this.upsert = db.prepare(
      `INSERT INTO slack_usergroup_directory (group_id, handle, name, refreshed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id) DO UPDATE SET handle = excluded.handle, name = excluded.name,
         refreshed_at = excluded.refreshed_at`,
    );
    this.drop = db.prepare('DELETE FROM slack_usergroup_directory WHERE group_id = ?');
    this.dropAll = db.prepare('DELETE FROM slack_usergroup_directory');
  }

  groups(): ListedGroup[] {
    return this.readAll.all() as ListedGroup[];
  }

  /** Slack's whole listing of the enabled groups: what it no longer lists is gone. */
  replaceAll(groups: ListedGroup[], at: Date): void {
    writeTransaction(this.db, () => {
      this.dropAll.run();
      for (const group of groups) this.upsert.run(group.id, group.handle, group.name, at.toISOString());
    });
  }

  /** One group as an event described it; a disabled group is dropped. */
  record(group: ListedGroup, enabled: boolean, at: Date): void {
    writeTransaction(this.db, () => {
      if (enabled) this.upsert.run(group.id, group.handle, group.name, at.toISOString());
      else this.drop.run(group.id);
    });
  }
}
