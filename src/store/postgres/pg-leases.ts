/**
 * Leases on outbox work shared by replicas (db/migrations/postgres/007). A subject (a decision) is offered when the
 * log says it has work; a replica claims free subjects with SELECT … FOR UPDATE SKIP LOCKED, so claimers never
 * block each other and each subject has one holder; a lease ends when its holder completes the work or when it
 * expires (on the database's clock), after which another replica claims it. The leases say who works on what,
 * never what to do: the effect itself is derived from the log by the holder.
 */
import type pg from 'pg';

export class PgLeases {
  constructor(private readonly pool: pg.Pool) {}

  /** Makes subjects claimable (a subject already offered or held is left as it is). */
  async offer(subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    await this.pool.query(
      'INSERT INTO outbox_leases (subject) SELECT unnest($1::text[]) ON CONFLICT (subject) DO NOTHING',
      [subjects],
    );
  }

  /** Claims up to `limit` subjects that are free, expired or already `holder`'s, until now + ttl. */
  async claim(holder: string, ttlMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ subject: string }>(
      `UPDATE outbox_leases SET holder = $1, expires_at = clock_timestamp() + $2 * interval '1 millisecond'
       WHERE subject IN (
         SELECT subject FROM outbox_leases
         WHERE expires_at <= clock_timestamp() OR holder = $1
         ORDER BY expires_at, subject
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING subject`,
      [holder, ttlMs, limit],
    );
    return rows.map((row) => row.subject).sort();
  }

  /** Takes or renews the lease on one subject; false while another holder's lease runs. */
  async lease(subject: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO outbox_leases (subject, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (subject) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE outbox_leases.expires_at <= clock_timestamp() OR outbox_leases.holder = excluded.holder`,
      [subject, holder, ttlMs],
    );
    return rowCount === 1;
  }

  /** The work is done: the subject is no longer offered (a later event offers it again). */
  async complete(subject: string, holder: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM outbox_leases WHERE subject = $1 AND holder = $2', [
      subject,
      holder,
    ]);
    return rowCount === 1;
  }

  /** Gives the subject up without finishing: claimable by anyone at once. */
  async release(subject: string, holder: string): Promise<void> {
    await this.pool.query(
      "UPDATE outbox_leases SET holder = NULL, expires_at = '-infinity' WHERE subject = $1 AND holder = $2",
      [subject, holder],
    );
  }

  async holderOf(subject: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ holder: string | null }>(
      'SELECT holder FROM outbox_leases WHERE subject = $1 AND expires_at > clock_timestamp()',
      [subject],
    );
    return rows[0]?.holder ?? undefined;
  }
}
