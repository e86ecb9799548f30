/**
 * A replica's local SQLite copy of the PostgreSQL log (docs/postgres.md, "Replicas"): the same rows, seq, time,
 * payload text and hashes, so the synchronous use cases fold and append on it as on SQLite alone. It is a cache,
 * never the truth: rows come in only from PostgreSQL, in seq order, each continuing the local head.
 *
 * The gate: a TEMP trigger on this connection refuses every insert into `events` unless the replica opened the gate,
 * so a write path not yet routed through PostgreSQL fails loudly instead of forking the local copy from the truth.
 */
import type Database from 'better-sqlite3';
import { eventHash, type ChainedEvent } from '../audit/hash-chain';
import { PatchcallError } from '../common/errors';

export class ReplicaLog {
  private readonly insert: Database.Statement;
  private readonly hashAt: Database.Statement;
  private readonly headQuery: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS replica_gate (open INTEGER NOT NULL);
      CREATE TEMP TRIGGER IF NOT EXISTS replica_events_gate BEFORE INSERT ON main.events
      WHEN NOT EXISTS (SELECT 1 FROM temp.replica_gate)
      BEGIN
        SELECT RAISE(ABORT, 'this replica writes the event log through PostgreSQL only, and this write does not go through it yet');
      END;`);
    this.insert = db.prepare(
      'INSERT INTO events (seq, at, actor, type, stream, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.hashAt = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
    this.headQuery = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  }

  /** Runs `work` with local appends allowed; call it inside a transaction (the gate closes with it). */
  opened<T>(work: () => T): T {
    this.db.prepare('INSERT INTO temp.replica_gate (open) VALUES (1)').run();
    try {
      return work();
    } finally {
      this.db.prepare('DELETE FROM temp.replica_gate').run();
    }
  }

  head(): { seq: number; hash: string } | undefined {
    return this.headQuery.get() as { seq: number; hash: string } | undefined;
  }

  /**
   * Inserts the events the local copy lacks, in order; inside the caller's transaction. An event already here must
   * be the same event (same hash): a different one means the copy and PostgreSQL disagree, which is refused loudly
   * rather than folded. Each new event must link to the local head and its hash must be right.
   */
  applyInOrder(events: readonly ChainedEvent[], genesis: string): ChainedEvent[] {
    const added: ChainedEvent[] = [];
    let head = this.head() ?? { seq: 0, hash: genesis };
    for (const event of events) {
      if (event.seq <= head.seq) {
        const mine = this.hashAt.get(event.seq) as string | undefined;
        if (mine !== event.hash)
          throw new PatchcallError(
            'CHAIN_BROKEN',
            `the replica cache holds another event #${event.seq} (${String(mine).slice(0, 12)}…) than PostgreSQL ` +
              `(${event.hash.slice(0, 12)}…): this cache is not a copy of that log. Stop this replica and delete its cache`,
          );
        continue;
      }
      if (event.seq !== head.seq + 1 || event.prevHash !== head.hash)
        throw new PatchcallError(
          'CHAIN_BROKEN',
          `event #${event.seq} from PostgreSQL does not continue the replica cache's head #${head.seq}; refused`,
        );
      const recomputed = eventHash(event.prevHash, event);
      if (recomputed !== event.hash)
        throw new PatchcallError(
          'CHAIN_BROKEN',
          `event #${event.seq} from PostgreSQL does not match its hash; refused`,
        );
      this.insert.run(
        event.seq,
        event.at,
        event.actor,
        event.type,
        event.stream,
        event.payloadJson,
        event.prevHash,
        event.hash,
      );
      added.push(event);
      head = event;
    }
    return added;
  }
}
