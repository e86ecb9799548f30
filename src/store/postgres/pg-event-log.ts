/**
 * The event log on PostgreSQL, with the contract of ../event-log.ts: append and read only, seq gapless and in
 * commit order, each hash linked to the one before by the same chain code (src/audit/hash-chain.ts).
 *
 * Appends are serialised by a transaction-scoped advisory lock taken before the head is read: the next appender
 * waits at the lock and, once the holder has committed, reads the new head (READ COMMITTED takes a fresh snapshot
 * per statement, and the lock is released only after the commit is visible). So the application role needs no
 * UPDATE anywhere, not even on a head row. Appends that arrive while a group is being written wait and go together
 * as the next group, one transaction each: the lock and the commit are paid once per group, not per event.
 */
import type pg from 'pg';
import { PatchcallError } from '../../common/errors';
import { canonicalJson } from '../../common/canonical-json';
import {
  ChainVerifier,
  GENESIS_HASH,
  eventHash,
  payloadDigest,
  type ChainVerdict,
  type ChainedEvent,
} from '../../audit/hash-chain';
import type { EventFilter, NewEvent, StoredEvent } from '../event-log';
import { isTransient, redact } from './pg-pool';
import type { ExportFileRow } from '../export-files-store';
import { insertExportFiles } from './pg-export-files';

/** pg_advisory_xact_lock key that serialises appends (one database holds one patchcall log). */
export const APPEND_LOCK = 7_162_016;
const PAGE = 2_000;
const DEFAULT_MAX_GROUP = 500;
const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

export interface PgEventLogOptions {
  clock?: () => Date;
  /** The most events one group transaction writes. */
  maxGroup?: number;
  /** How long an appender waits for the lock, retries included, before giving up. */
  busyTimeoutMs?: number;
  /** The URL (its password is never shown), for messages. */
  url?: string;
}

export interface LogHead {
  seq: number;
  hash: string;
}

/** An event ready to chain: its payload already in the canonical text the hash covers. */
interface PreparedEvent {
  type: string;
  stream: string;
  actor: string;
  payload: unknown;
  payloadJson: string;
}

interface Pending {
  event: PreparedEvent;
  resolve: (stored: StoredEvent) => void;
  reject: (error: unknown) => void;
}

type EventRowArray = [number, string, string, string, string, string, string, string];

/** The appending transaction: it holds the lock, so what it reads is the head and nobody appends meanwhile. */
export class PgAppendTransaction {
  constructor(
    private readonly client: pg.ClientBase,
    private current: LogHead,
    private readonly clock: () => Date,
    /** Events after `after` read with the lock, in the same round trip (see `transaction`'s `readAfter`). */
    private readonly prefetched?: { after: number; events: ChainedEvent[] },
  ) {}

  /** The head as of the lock: every event up to it is committed and readable by this transaction. */
  get head(): LogHead {
    return this.current;
  }

  /** Events after `afterSeq` (up to the head): how a replica catches up before it decides. */
  read<P = unknown>(filter: EventFilter = {}): AsyncGenerator<StoredEvent<P>> {
    return readPages<P>(this.client, filter);
  }

  async append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    return this.appendPrepared(events.map(prepare));
  }

  /** The raw chain after `afterSeq` up to the head, as stored (the payload text the hash covers). */
  async *chain(afterSeq: number): AsyncGenerator<ChainedEvent> {
    const prefetched = this.prefetched;
    if (!prefetched || afterSeq < prefetched.after) return yield* chainedPages(this.client, afterSeq);
    for (const event of prefetched.events) if (event.seq > afterSeq) yield event;
    const last = prefetched.events[prefetched.events.length - 1];
    if (prefetched.events.length === PAGE) yield* chainedPages(this.client, Math.max(afterSeq, last!.seq));
  }

  /**
   * Writes events already chained elsewhere (a replica's local append, with its seq, time and hashes). They must
   * continue the head: the row trigger refuses anything else, and so does this check, before the round trip.
   */
  async appendChained(events: readonly ChainedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const columns = emptyColumns();
    let { seq, hash } = this.current;
    for (const event of events) {
      if (event.seq !== seq + 1 || event.prevHash !== hash)
        throw new PatchcallError(
          'CHAIN_BROKEN',
          `event #${event.seq} does not continue the PostgreSQL head #${seq} (${hash.slice(0, 12)}…); nothing was written`,
        );
      pushRow(columns, event);
      ({ seq, hash } = event);
    }
    await insertRows(this.client, columns);
    this.current = { seq, hash };
  }

  /** The bytes of the audit record files the appended events name, in the same transaction (shared by replicas). */
  async putExportFiles(files: readonly ExportFileRow[]): Promise<void> {
    await insertExportFiles(this.client, files);
  }

  async appendPrepared(events: readonly PreparedEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const at = this.clock().toISOString();
    const columns = emptyColumns();
    const stored: StoredEvent[] = [];
    let { seq, hash: prevHash } = this.current;
    for (const event of events) {
      seq++;
      const chained = {
        seq,
        at,
        actor: event.actor,
        type: event.type,
        stream: event.stream,
        payloadJson: event.payloadJson,
      };
      const hash = eventHash(prevHash, chained);
      pushRow(columns, { ...chained, prevHash, hash });
      stored.push({
        seq,
        at,
        actor: event.actor,
        type: event.type,
        stream: event.stream,
        payload: event.payload,
        prevHash,
        hash,
      });
      prevHash = hash;
    }
    await insertRows(this.client, columns);
    this.current = { seq, hash: prevHash };
    return stored;
  }
}

export class PgEventLog {
  private readonly clock: () => Date;
  private readonly maxGroup: number;
  private readonly busyTimeoutMs: number;
  private readonly label: string;
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    readonly pool: pg.Pool,
    options: PgEventLogOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.maxGroup = options.maxGroup ?? DEFAULT_MAX_GROUP;
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.label = options.url ? redact(options.url) : 'the PostgreSQL event log';
  }

  async head(): Promise<LogHead> {
    return headOf(this.pool);
  }

  /**
   * Appends one event; resolves once it is committed. Appends made while another group is being written are
   * written together as the next group (each caller still gets its own event, seq and hash back).
   */
  append<P>(event: NewEvent & { payload: P }): Promise<StoredEvent<P>> {
    let prepared: PreparedEvent;
    try {
      prepared = prepare(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<StoredEvent<P>>((resolve, reject) => {
      this.queue.push({ event: prepared, resolve: resolve as (stored: StoredEvent) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Appends several events atomically, in order, in one transaction of their own. */
  async appendAll(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    const prepared = events.map(prepare);
    return this.transaction((tx) => tx.appendPrepared(prepared));
  }

  /**
   * Runs `work` holding the append lock: it reads the head (and may catch up on the events before it), decides and
   * appends, and nothing is appended by anyone else in between. A serialization failure or a deadlock is retried
   * with backoff from a fresh head, so `work` must be safe to run again; nothing of a failed attempt is written.
   */
  async transaction<T>(
    work: (tx: PgAppendTransaction) => Promise<T>,
    /** The seq the caller has read up to: the events after it come with the lock, saving a round trip. */
    options: { readAfter?: () => number } = {},
  ): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      // a connection lost between statements is reported by the next one; unheard, the event would end the process
      const dropped = () => (broken = true);
      client.on('error', dropped);
      try {
        const left = Math.max(1, this.busyTimeoutMs - (Date.now() - started));
        // one round trip: a bounded lock wait, the lock, then the head. Under READ COMMITTED (stated, whatever the
        // database's default) each statement takes its own snapshot, so the head is read after the lock is granted;
        // under REPEATABLE READ the snapshot would predate the lock and the head be stale. Constants only: nothing to escape.
        const after = options.readAfter?.();
        if (after !== undefined && !Number.isSafeInteger(after)) throw new TypeError(`readAfter gave ${after}`);
        const catchUp = after === undefined ? '' : `; ${CHAIN_QUERY} WHERE seq > ${after} ORDER BY seq LIMIT ${PAGE}`;
        const results = (await client.query(
          `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${Math.round(left)}; SELECT pg_advisory_xact_lock(${APPEND_LOCK}); ${HEAD_QUERY}${catchUp}`,
        )) as unknown as pg.QueryResult[];
        const headRows = results[after === undefined ? results.length - 1 : results.length - 2]!.rows as LogHead[];
        const head = headRows[0] ?? { seq: 0, hash: GENESIS_HASH };
        const prefetched =
          after === undefined
            ? undefined
            : { after, events: (results[results.length - 1]!.rows as ChainRow[]).map(chainedOf) };
        const tx = new PgAppendTransaction(client, head, this.clock, prefetched);
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        const elapsed = Date.now() - started;
        if (isTransient(error) && elapsed < this.busyTimeoutMs) {
          await sleep(Math.min(1_000, 10 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random()));
          continue;
        }
        if ((error as { code?: string }).code === '55P03')
          throw new PatchcallError(
            'BUSY',
            `${this.label}: the append lock stayed taken for ${(elapsed / 1000).toFixed(1)} s; nothing was written. ` +
              'Try again, or wait longer with PATCHCALL_BUSY_TIMEOUT_MS.',
          );
        throw error;
      } finally {
        client.off('error', dropped);
        client.release(broken);
      }
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      // appends made in the same tick (a Promise.all, a burst of clicks) go out as one group
      await null;
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const stored = await this.transaction((tx) => tx.appendPrepared(group.map((p) => p.event)));
          group.forEach((pending, i) => pending.resolve(stored[i]!));
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  read<P = unknown>(filter: EventFilter = {}): AsyncGenerator<StoredEvent<P>> {
    return readPages<P>(this.pool, filter);
  }

  async hashAt(seq: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ hash: string }>('SELECT hash FROM events WHERE seq = $1', [seq]);
    return rows[0]?.hash;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
    return rows[0]!.count;
  }

  /** The raw chain, as stored, in pages. */
  chain(afterSeq = 0): AsyncGenerator<ChainedEvent> {
    return chainedPages(this.pool, afterSeq);
  }

  /** The same walk as SQLite's `verify`: seq from 1 without gaps, every link and every hash recomputed. */
  verify(): Promise<ChainVerdict> {
    return verifyChain(this.pool);
  }
}

/** Walks the whole chain as `client` sees it (inside a transaction: including what it has written). */
export async function verifyChain(client: pg.Pool | pg.ClientBase): Promise<ChainVerdict> {
  const verifier = new ChainVerifier({ seq: 1 });
  for await (const [seq, at, actor, type, stream, payload, prevHash, hash] of rawPages(client, 0)) {
    if (!verifier.link(seq, at, actor, type, stream, payloadDigest(payload), prevHash, hash)) break;
  }
  return verifier.result();
}

function prepare(event: NewEvent): PreparedEvent {
  return {
    type: event.type,
    stream: event.stream,
    actor: event.actor,
    payload: event.payload,
    payloadJson: canonicalJson(event.payload),
  };
}

const HEAD_QUERY = 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1';
const CHAIN_QUERY = 'SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events';

interface ChainRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  stream: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

function chainedOf(row: ChainRow): ChainedEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    type: row.type,
    stream: row.stream,
    payloadJson: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

async function headOf(client: pg.Pool | pg.ClientBase): Promise<LogHead> {
  const { rows } = await client.query<LogHead>(HEAD_QUERY);
  return rows[0] ?? { seq: 0, hash: GENESIS_HASH };
}

/** Rows as arrays of columns, in the column order of the table: one INSERT however many rows. */
export type EventColumns = [number[], string[], string[], string[], string[], string[], string[], string[]];

export function emptyColumns(): EventColumns {
  return [[], [], [], [], [], [], [], []];
}

export function pushRow(columns: EventColumns, event: ChainedEvent): void {
  columns[0].push(event.seq);
  columns[1].push(event.at);
  columns[2].push(event.actor);
  columns[3].push(event.type);
  columns[4].push(event.stream);
  columns[5].push(event.payloadJson);
  columns[6].push(event.prevHash);
  columns[7].push(event.hash);
}

export async function insertRows(client: pg.ClientBase, columns: EventColumns): Promise<void> {
  await client.query(
    `INSERT INTO events (seq, at, actor, type, stream, payload, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    columns,
  );
}

async function* rawPages(client: pg.Pool | pg.ClientBase, afterSeq: number): AsyncGenerator<EventRowArray> {
  for (let after = afterSeq; ;) {
    const { rows } = await client.query<EventRowArray>({
      text: 'SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
      values: [after, PAGE],
      rowMode: 'array',
    });
    for (const row of rows) yield row;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]![0];
  }
}

async function* chainedPages(client: pg.Pool | pg.ClientBase, afterSeq: number): AsyncGenerator<ChainedEvent> {
  for await (const [seq, at, actor, type, stream, payloadJson, prevHash, hash] of rawPages(client, afterSeq))
    yield { seq, at, actor, type, stream, payloadJson, prevHash, hash };
}

async function* readPages<P>(client: pg.Pool | pg.ClientBase, filter: EventFilter): AsyncGenerator<StoredEvent<P>> {
  const where: string[] = ['seq > $1'];
  const params: (string | number)[] = [0];
  if (filter.stream !== undefined) where.push(`stream = $${params.push(filter.stream)}`);
  if (filter.streamPrefix !== undefined) where.push(`starts_with(stream, $${params.push(filter.streamPrefix)})`);
  if (filter.type !== undefined) where.push(`type = $${params.push(filter.type)}`);
  const text = `SELECT seq, at, actor, type, stream, payload, prev_hash, hash FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${PAGE}`;
  for (let after = filter.afterSeq ?? 0; ;) {
    params[0] = after;
    const { rows } = await client.query<EventRowArray>({ text, values: params, rowMode: 'array' });
    for (const [seq, at, actor, type, stream, payload, prevHash, hash] of rows)
      yield { seq, at, actor, type, stream, payload: JSON.parse(payload) as P, prevHash, hash };
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]![0];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
