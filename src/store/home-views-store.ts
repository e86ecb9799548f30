/**
 * What the App Home publisher last published to each person (db/migrations/014): the view's digest and the log head
 * it was derived from. Written through `writeTransaction` like every row.
 */
import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction';

export interface PublishedHome {
  digest: string;
  logSeq: number;
}

export class HomeViewsStore {
  private readonly readOne: Database.Statement;
  private readonly readUsers: Database.Statement;
  private readonly write: Database.Statement;
  private readonly invalidate: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.readOne = db.prepare('SELECT digest, log_seq AS logSeq FROM home_views_published WHERE user_id = ?');
    this.readUsers = db.prepare('SELECT user_id FROM home_views_published ORDER BY user_id');
    // never goes back to an older log head: a publisher finishing late cannot pass for the current one
    this.write = db.prepare(
      `INSERT INTO home_views_published (user_id, digest, log_seq, published_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, log_seq = excluded.log_seq,
         published_at = excluded.published_at
       WHERE excluded.log_seq >= home_views_published.log_seq`,
    );
    this.invalidate = db.prepare(`UPDATE home_views_published SET digest = '' WHERE user_id = ?`);
  }

  published(userId: string): PublishedHome | undefined {
    return this.readOne.get(userId) as PublishedHome | undefined;
  }

  /** Everyone who was ever published a Home (they opened it, or held a role). */
  users(): string[] {
    return (this.readUsers.all() as { user_id: string }[]).map((row) => row.user_id);
  }

  /**
   * Records a publish; false when a newer one was recorded meanwhile, in which case the row is marked so the next
   * run publishes the current view over the late, older one.
   */
  record(userId: string, digest: string, logSeq: number, at: Date): boolean {
    return writeTransaction(this.db, () => {
      if (this.write.run(userId, digest, logSeq, at.toISOString()).changes === 1) return true;
      this.invalidate.run(userId);
      return false;
    });
  }
}
