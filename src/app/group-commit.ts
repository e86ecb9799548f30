/**
 * Group commit: the writes that reach the app in one turn of the event loop (a burst of clicks read from their
 * sockets together) run in one SQLite transaction, so they share one commit and one fsync instead of paying one
 * each. Each write still runs in order, sees the ones before it, and is answered only once the group is committed:
 * the caller acks after that, as before (WAL with synchronous=FULL: a committed group survives a power cut).
 *
 * A write that fails (a domain error) is rolled back alone (its own savepoint) and only its caller is told. When the
 * group cannot be committed (the database stays locked, the disk is full, SQLite itself failed inside the group),
 * nothing of it is written and every caller in the group gets the error: nobody is acknowledged.
 */
import type Database from 'better-sqlite3';
import { writeTransaction } from '../store/write-transaction';

interface Waiting {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private waiting: Waiting[] = [];

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` (synchronous: from its read to its append nothing else lands) in the next group's transaction. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // after the poll phase: every request whose body this turn read has queued its write by then
      if (this.waiting.length === 1) setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    const group = this.waiting;
    this.waiting = [];
    let outcomes: Outcome[] = [];
    try {
      // a busy database makes writeTransaction run this again: the outcomes are those of the attempt that committed
      writeTransaction(this.db, () => {
        outcomes = group.map(({ work }) => this.attempt(work));
      });
    } catch (error) {
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  /** One write in its own savepoint; a failure of SQLite itself fails the whole group. */
  private attempt(work: () => unknown): Outcome {
    try {
      return { ok: true, value: this.db.transaction(work)() };
    } catch (error) {
      // SQLite may have rolled the whole transaction back (a full disk, an I/O error): the writes before this one
      // are gone too, and the ones after it would commit on their own
      if (!this.db.inTransaction || isSqliteError(error)) throw error;
      return { ok: false, error };
    }
  }
}

function isSqliteError(error: unknown): boolean {
  return String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_');
}
