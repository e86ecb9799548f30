/**
 * The append-only event log. `append` and the readers are the only ways in: there is no update or delete
 * (and the schema's triggers refuse them). Appends chain each event to the one before it by hash.
 */
import type Database from 'better-sqlite3';
import { canonicalJson } from '../common/canonical-json';
import { writeTransaction } from './write-transaction';
import { markedAsRehearsal } from '../common/simulated-clock';
import {
  ChainVerifier,
  GENESIS_HASH,
  eventHash,
  payloadDigest,
  type ChainVerdict,
  type ChainedEvent,
} from '../audit/hash-chain';

export interface NewEvent {
  type: string;
  /** What the event is about: `bulletin:MS08-067`, `decision:…`, `source:<sha256>`. */
  stream: string;
  /** Who caused it: a Slack user id, `cli:<os user>`, `system`. */
  actor: string;
  payload: unknown;
}

export interface EventFilter {
  stream?: string;
  streamPrefix?: string;
  type?: string;
  afterSeq?: number;
}

export interface StoredEvent<P = unknown> {
  seq: number;
  at: string;
  actor: string;
  type: string;
  stream: string;
  payload: P;
  prevHash: string;
  hash: string;
}

interface EventRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  stream: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export class EventLog {
  private readonly insert: Database.Statement;
  private readonly headQuery: Database.Statement;
  private readonly headAt: Database.Statement | undefined;

  constructor(
    readonly db: Database.Database,
    private readonly clock: () => Date = () => new Date(),
    /** Under a simulated clock (PATCHCALL_CLOCK) or PATCHCALL_REHEARSAL=1: every payload written says `rehearsal: true`. */
    private readonly rehearsal = false,
    /**
     * An event is never timed earlier than the head: on a replica the head is PostgreSQL's, read under the append
     * lock, so times rise with seq across replicas whose clocks disagree (a slow clock's event takes the head's time).
     */
    monotonicTimes = false,
  ) {
    this.headAt = monotonicTimes ? db.prepare('SELECT at FROM events ORDER BY seq DESC LIMIT 1').pluck() : undefined;
    this.insert = db.prepare(
      'INSERT INTO events (seq, at, actor, type, stream, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.headQuery = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  }

  head(): { seq: number; hash: string } {
    const row = this.headQuery.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** The newest event of a type, or 0 when there is none. */
  newestSeq(type: string): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM events WHERE type = ?').get(type) as {
      seq: number | null;
    };
    return row.seq ?? 0;
  }

  /** The stored hash of event `seq`, or undefined when there is no such event. */
  hashAt(seq: number): string | undefined {
    return (this.db.prepare('SELECT hash FROM events WHERE seq = ?').get(seq) as { hash: string } | undefined)?.hash;
  }

  /** The raw chain between two sequence numbers (inclusive), as stored. */
  *chainBetween(fromSeq: number, toSeq: number): Generator<ChainedEvent> {
    const statement = this.db.prepare('SELECT * FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq');
    for (const row of statement.iterate(fromSeq, toSeq) as Iterable<EventRow>) yield toChained(row);
  }

  /** Appends one event. Inside a caller's transaction it joins it; otherwise it is its own transaction. */
  append<P>(event: NewEvent & { payload: P }): StoredEvent<P> {
    // inside the payload, so the mark is covered by the hash chain and cannot be removed unnoticed
    if (this.rehearsal) event = { ...event, payload: markedAsRehearsal(event.payload) as P };
    return writeTransaction(this.db, () => {
      const head = this.head();
      const chained = {
        seq: head.seq + 1,
        at: this.eventTime(),
        actor: event.actor,
        type: event.type,
        stream: event.stream,
        payloadJson: canonicalJson(event.payload),
      };
      const hash = eventHash(head.hash, chained);
      this.insert.run(
        chained.seq,
        chained.at,
        chained.actor,
        chained.type,
        chained.stream,
        chained.payloadJson,
        head.hash,
        hash,
      );
      // not the payload's JSON text: for a large import it is tens of megabytes the caller has no use for
      const { payloadJson: _written, ...header } = chained;
      return { ...header, payload: event.payload, prevHash: head.hash, hash };
    });
  }

  private eventTime(): string {
    const now = this.clock().toISOString();
    const headAt = this.headAt?.get() as string | undefined;
    // ISO times of one format order as text
    return headAt !== undefined && headAt > now ? headAt : now;
  }

  /** Events in sequence order, filtered by stream and/or type. */
  *read<P = unknown>(filter: EventFilter = {}): Generator<StoredEvent<P>> {
    const [sql, params] = this.query(filter);
    for (const row of this.db.prepare(sql).iterate(...params) as Iterable<EventRow>) yield toStored<P>(row);
  }

  /** The first matching event. Unlike read(), it leaves no statement open, so it is safe before a write. */
  first<P = unknown>(filter: EventFilter = {}): StoredEvent<P> | undefined {
    const [sql, params] = this.query(filter);
    const row = this.db.prepare(sql + ' LIMIT 1').get(...params) as EventRow | undefined;
    return row && toStored<P>(row);
  }

  private query(filter: EventFilter): [string, (string | number)[]] {
    const where: string[] = ['seq > ?'];
    const params: (string | number)[] = [filter.afterSeq ?? 0];
    if (filter.stream !== undefined) {
      where.push('stream = ?');
      params.push(filter.stream);
    }
    if (filter.streamPrefix !== undefined) {
      where.push('substr(stream, 1, ?) = ?');
      params.push(filter.streamPrefix.length, filter.streamPrefix);
    }
    if (filter.type !== undefined) {
      where.push('type = ?');
      params.push(filter.type);
    }
    return [`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq`, params];
  }

  /** The raw chain, as stored, for verification. */
  *chain(): Generator<ChainedEvent> {
    const statement = this.db.prepare('SELECT * FROM events ORDER BY seq');
    for (const row of statement.iterate() as Iterable<EventRow>) yield toChained(row);
  }

  verify(): ChainVerdict {
    const verifier = new ChainVerifier({ seq: 1 });
    // raw rows and positional arguments: this loop runs once per event of the whole log
    const rows = this.db
      .prepare('SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events ORDER BY seq')
      .raw()
      .iterate() as Iterable<[number, string, string, string, string, string, string, string]>;
    for (const [seq, at, actor, type, stream, payload, prevHash, hash] of rows) {
      if (!verifier.link(seq, at, actor, type, stream, payloadDigest(payload), prevHash, hash)) break;
    }
    return verifier.result();
  }
}

function toChained(row: EventRow): ChainedEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    type: row.type,
    stream: row.stream,
    payloadJson: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toStored<P>(row: EventRow): StoredEvent<P> {
  const { payloadJson, ...rest } = toChained(row);
  return { ...rest, payload: JSON.parse(payloadJson) as P };
}
