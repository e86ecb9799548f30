/**
 * One replica of the app on a shared PostgreSQL log (docs/postgres.md, "Replicas"). PostgreSQL holds the truth; the
 * replica keeps a local SQLite copy of it (same seq, time, payload text and hashes) with the lookup tables, so the
 * use cases stay synchronous and fold exactly as they do on SQLite alone.
 *
 * - A follower (LISTEN/NOTIFY, then a read from the local head) brings every committed event into the copy, in
 *   order, each checked against the local head and its own hash.
 * - A write takes PostgreSQL's append lock, brings the copy up to the head it reads under the lock, runs the use
 *   cases on the copy in a SQLite transaction, sends exactly the rows they appended to PostgreSQL (whose trigger
 *   checks they continue the chain) and rolls the SQLite transaction back; once PostgreSQL has committed, the rows
 *   come into the copy like any other. So the copy only ever holds committed events, and a caller's promise
 *   resolves (a click is acked) only after PostgreSQL's commit. Writes arriving together share one transaction.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS_HASH, type ChainedEvent, type ChainVerdict } from '../audit/hash-chain';
import { PatchcallError } from '../common/errors';
import { ReplicaLog } from '../store/replica-log';
import { ExportFilesStore, type ExportFileRow } from '../store/export-files-store';
import { RecordEffectEvents, type ExportRequestedPayload } from '../audit/record-effects';
import { writeTransaction } from '../store/write-transaction';
import { openAppContext, type AppContext, type OpenAppContextOptions } from './app-context';
import type { ImportBatch } from './formats';
import { recordProjection, SOURCE_IMPORTED } from './lookup-tables';
import { openPostgresLog, type PostgresLog } from './postgres-store';
import { projectBatch } from './project-batch';
import { newTempCopyFolder } from './replica-temp-copy';
import type { PublishedHomes, ReplicaPort, SharedGroups, WorkLeases } from './replica-write';
import { defaultSigningKeyPath } from './signing-key';

const MAX_GROUP = 200;

export interface ReplicaOptions extends Omit<OpenAppContextOptions, 'dbPath' | 'mustExist'> {
  url: string;
  /** The SQLite setting (PATCHCALL_DB): the signing key is looked for beside it unless signingKeyPath says. */
  dbPath: string;
  /** The local copy (PATCHCALL_REPLICA_CACHE); default a new file in a temp folder, deleted at close. */
  cachePath?: string;
  /** Told when following fails (a lost connection is retried; a copy that disagrees stops the writes). */
  onError?: (error: unknown) => void;
}

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The digests of the record files that export requests among `events` name. */
function namedFiles(events: readonly ChainedEvent[]): string[] {
  return events
    .filter((event) => event.type === RecordEffectEvents.exportRequested)
    .flatMap((event) => (JSON.parse(event.payloadJson) as ExportRequestedPayload).files.map((file) => file.sha256));
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export class ReplicaStore implements ReplicaPort {
  readonly leases: WorkLeases;
  readonly groups: SharedGroups;
  readonly homeViews: PublishedHomes;
  private readonly queue: PendingWrite[] = [];
  private flushing = false;
  private runningLocally = false;
  /** True while a write runs on the copy only, to see whether it appends (its effects are rolled back). */
  probing = false;
  private readonly listeners: ((events: ChainedEvent[]) => void)[] = [];
  /** Set when the copy and PostgreSQL disagree: nothing more is written or folded from this copy. */
  private failure: Error | undefined;

  private constructor(
    readonly ctx: AppContext,
    private readonly pg: PostgresLog,
    private readonly local: ReplicaLog,
    private readonly onError: (error: unknown) => void,
    private readonly tempDir: string | undefined,
  ) {
    // PostgreSQL out of reach: no lease now (the work waits for the next sweep), and one left behind expires
    this.leases = {
      lease: (subject, holder, ttlMs) =>
        pg.leases.lease(subject, holder, ttlMs).catch((error: unknown) => (this.onError(error), false)),
      release: (subject, holder) =>
        pg.leases.complete(subject, holder).then(
          () => undefined,
          (error: unknown) => this.onError(error),
        ),
    };
    this.groups = pg.usergroups;
    this.homeViews = pg.homeViews;
  }

  static async open(options: ReplicaOptions): Promise<ReplicaStore> {
    const { url, cachePath, onError, dbPath, ...contextOptions } = options;
    const pg = await openPostgresLog(url, { busyTimeoutMs: options.busyTimeoutMs ?? 15_000 });
    const tempDir = cachePath ? undefined : newTempCopyFolder();
    let ctx: AppContext | undefined;
    try {
      ctx = openAppContext({
        ...contextOptions,
        dbPath: cachePath ?? join(tempDir!, 'replica.db'),
        signingKeyPath: options.signingKeyPath ?? defaultSigningKeyPath(dbPath),
        // writes run on a copy caught up to PostgreSQL's head under the append lock: times rise with seq
        monotonicTimes: true,
        // PostgreSQL holds the log durably and acks wait for its commit; the copy is a cache caught up from it
        copyOfDurableLog: true,
      });
      const local = new ReplicaLog(ctx.db);
      const head = local.head();
      if (head && (await pg.log.hashAt(head.seq)) !== head.hash)
        throw new PatchcallError(
          'CONFIG',
          `the replica cache ${ctx.db.name} is not a copy of the PostgreSQL log (event #${head.seq} differs or is missing there): delete it, or point PATCHCALL_REPLICA_CACHE elsewhere`,
        );
      const replica = new ReplicaStore(ctx, pg, local, onError ?? (() => undefined), tempDir);
      ctx.replica = replica;
      await pg.usergroups.start((error) => replica.onError(error));
      await pg.follow<ChainedEvent>({
        afterSeq: head?.seq ?? 0,
        read: (afterSeq) => pg.log.chain(Math.max(afterSeq, replica.localSeq())),
        onEvents: (events) => replica.applyCommitted(events),
        onError: (error) => replica.onError(error),
      });
      if (replica.failure) throw replica.failure;
      return replica;
    } catch (error) {
      ctx?.close();
      await pg.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  verifyShared(): Promise<ChainVerdict> {
    return this.pg.log.verify();
  }

  async sharedHashes(seqs: readonly number[]): Promise<Map<number, string>> {
    const hashes = new Map<number, string>();
    for (const seq of new Set(seqs)) {
      const hash = await this.pg.log.hashAt(seq);
      if (hash) hashes.set(seq, hash);
    }
    return hashes;
  }

  exportFile(sha256: string): Promise<string | undefined> {
    return this.pg.exportFile(sha256);
  }

  /** Called with the events that came into the copy (from any replica, this one included), in order. */
  onApplied(listener: (events: ChainedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** Ready to serve: PostgreSQL answers and the copy agrees with it. */
  async ready(): Promise<boolean> {
    return !this.failure && (await this.pg.reachable());
  }

  /**
   * Runs a synchronous use case against the copy, up to date under PostgreSQL's append lock, and resolves once what
   * it appended is committed in PostgreSQL. A use case that throws appends nothing and rejects only its own caller.
   */
  write<T>(work: () => T, options: { probeFirst?: boolean } = {}): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    // a use case inside a write that writes again joins it (queued, it would wait for the group it is part of)
    if (this.runningLocally) return new Promise<T>((resolve) => resolve(work()));
    if (options.probeFirst) {
      this.probing = true;
      let probe: ReturnType<ReplicaStore['runLocally']>;
      try {
        probe = this.runLocally([work]);
      } finally {
        this.probing = false;
      }
      if (probe.rows.length === 0)
        return probe.settled[0]!.ok
          ? Promise.resolve(probe.settled[0]!.value as T)
          : Promise.reject(probe.settled[0]!.error);
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.pg.close();
    this.ctx.close();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private localSeq(): number {
    return this.local.head()?.seq ?? 0;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      // writes made in the same tick (a burst of clicks) go to PostgreSQL as one transaction
      await null;
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        let settled: Settled[] = [];
        let rows: ChainedEvent[] = [];
        let files: ExportFileRow[] = [];
        try {
          await this.pg.log.transaction(
            async (tx) => {
              let page: ChainedEvent[] = [];
              // the head and the events after the copy's head come with the lock, in its round trip
              if (this.localSeq() < tx.head.seq)
                for await (const event of tx.chain(this.localSeq())) {
                  page.push(event);
                  if (page.length >= 2_000) page = (this.applyCommitted(page), []);
                }
              this.applyCommitted(page);
              if (this.failure) throw this.failure;
              if (this.localSeq() !== tx.head.seq || (this.local.head()?.hash ?? GENESIS_HASH) !== tx.head.hash)
                throw new PatchcallError(
                  'CHAIN_BROKEN',
                  `the replica cache is at #${this.localSeq()} after catching up to PostgreSQL's head #${tx.head.seq}; nothing was written`,
                );
              ({ settled, rows, files } = this.runLocally(group.map((pending) => pending.work)));
              await tx.appendChained(rows);
              await tx.putExportFiles(files);
            },
            { readAfter: () => this.localSeq() },
          );
        } catch (error) {
          for (const pending of group) pending.reject(error);
          continue;
        }
        // committed: a failure to copy the rows now costs nothing, the follower brings them
        try {
          this.applyCommitted(rows);
        } catch (error) {
          this.onError(error);
        }
        group.forEach((pending, i) => {
          const outcome = settled[i]!;
          if (outcome.ok) pending.resolve(outcome.value);
          else pending.reject(outcome.error);
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * The use cases on the copy, each in a savepoint; what they appended (with the bytes of the record files those
   * events name, which live in PostgreSQL), then everything rolled back.
   */
  private runLocally(works: (() => unknown)[]): { settled: Settled[]; rows: ChainedEvent[]; files: ExportFileRow[] } {
    const db = this.ctx.db;
    const from = this.localSeq() + 1;
    db.exec('BEGIN IMMEDIATE');
    this.runningLocally = true;
    try {
      return this.local.opened(() => {
        const settled = works.map((work): Settled => {
          db.exec('SAVEPOINT replica_write');
          try {
            const value = work();
            if (value instanceof Promise)
              throw new Error('a write on a replica must be synchronous; await the asynchronous part before it');
            db.exec('RELEASE replica_write');
            return { ok: true, value };
          } catch (error) {
            db.exec('ROLLBACK TO replica_write');
            db.exec('RELEASE replica_write');
            return { ok: false, error };
          }
        });
        const rows = [...this.ctx.events.chainBetween(from, Number.MAX_SAFE_INTEGER)];
        return { settled, rows, files: new ExportFilesStore(db).rows(namedFiles(rows)) };
      });
    } finally {
      this.runningLocally = false;
      // the decisions folded inside it are kept apart (src/app/decision-log.ts) and count only once the copy holds
      // the same events again, as PostgreSQL committed them
      db.exec('ROLLBACK');
    }
  }

  /** Committed events into the copy (those it lacks), with the lookup tables they feed, in one transaction. */
  private applyCommitted(events: ChainedEvent[]): void {
    if (events.length === 0) return;
    let added: ChainedEvent[];
    try {
      added = writeTransaction(this.ctx.db, () =>
        this.local.opened(() => {
          const fresh = this.local.applyInOrder(events, GENESIS_HASH);
          const imports = fresh.filter((event) => event.type === SOURCE_IMPORTED);
          for (const event of imports) {
            const batch = (JSON.parse(event.payloadJson) as { batch?: ImportBatch }).batch;
            if (batch) projectBatch(this.ctx, event.seq, batch);
          }
          if (imports.length)
            recordProjection(
              this.ctx,
              imports[imports.length - 1]!.seq,
              imports.flatMap((event) => {
                const batch = (JSON.parse(event.payloadJson) as { batch?: ImportBatch }).batch;
                return batch ? [batch.kind] : [];
              }),
            );
          return fresh;
        }),
      );
    } catch (error) {
      if (error instanceof PatchcallError && error.code === 'CHAIN_BROKEN') this.failure = error;
      throw error;
    }
    if (added.length) for (const listener of this.listeners) listener(added);
  }
}
