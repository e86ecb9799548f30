/**
 * What the App Home publisher last published to each person, shared by the replicas (db/migrations/postgres/014):
 * the same rows and the same rule as SQLite's HomeViewsStore, so one replica's publish counts for all of them.
 */
import type pg from 'pg';
import type { PublishedHome } from '../home-views-store';

export class PgHomeViews {
  constructor(private readonly pool: pg.Pool) {}

  async published(userId: string): Promise<PublishedHome | undefined> {
    const { rows } = await this.pool.query<{ digest: string; logSeq: string }>(
      'SELECT digest, log_seq AS "logSeq" FROM home_views_published WHERE user_id = $1',
      [userId],
    );
    return rows[0] ? { digest: rows[0].digest, logSeq: Number(rows[0].logSeq) } : undefined;
  }

  async users(): Promise<string[]> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      'SELECT user_id FROM home_views_published ORDER BY user_id',
    );
    return rows.map((row) => row.user_id);
  }

  /** Records a publish; false (and the row marked for a fresh publish) when a newer one was recorded meanwhile. */
  async record(userId: string, digest: string, logSeq: number, at: Date): Promise<boolean> {
    // one statement: the upsert never goes back to an older head; otherwise the row is marked stale
    const { rows } = await this.pool.query<{ recorded: boolean }>(
      `WITH upsert AS (
         INSERT INTO home_views_published (user_id, digest, log_seq, published_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET digest = excluded.digest, log_seq = excluded.log_seq,
           published_at = excluded.published_at
         WHERE excluded.log_seq >= home_views_published.log_seq
         RETURNING 1)
       SELECT EXISTS (SELECT FROM upsert) AS recorded`,
      [userId, digest, logSeq, at.toISOString()],
    );
    if (rows[0]!.recorded) return true;
    await this.pool.query(`UPDATE home_views_published SET digest = '' WHERE user_id = $1 AND log_seq > $2`, [
      userId,
      logSeq,
    ]);
    return false;
  }
}
