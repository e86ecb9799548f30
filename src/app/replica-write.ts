/**
 * How a use case's write reaches the log, whichever store holds it. On SQLite alone a write runs as it always did,
 * synchronously. On a PostgreSQL replica (src/app/replica-store.ts) it runs under PostgreSQL's append lock on an
 * up-to-date local copy, and resolves once PostgreSQL has committed it: callers `await` the result either way.
 */
import type { ChainVerdict } from '../audit/hash-chain';
import type { OutboxStore } from '../store/outbox-store';
import type { PublishedHome } from '../store/home-views-store';

/** Who works on what, shared by every process on the store (the lease says who, the log says what). */
export interface WorkLeases {
  /** Takes or renews the lease on `subject` until now + ttlMs; false while another holder's lease runs. */
  lease(subject: string, holder: string, ttlMs: number): Promise<boolean>;
  release(subject: string, holder: string): Promise<void>;
}

/** Slack user-group members shared by the replicas: Slack tells one of them of a change, they all need it. */
export interface SharedGroups {
  publish(groupId: string, members: readonly string[], at: Date): Promise<void>;
  /** Told of each group published (by any replica, this one too), as it stands now; returns the unsubscribe. */
  subscribe(onChange: (groupId: string, members: string[]) => void): () => void;
}

/** What the App Home publisher last published to each person: SQLite's table, or PostgreSQL's for all replicas. */
export interface PublishedHomes {
  published(userId: string): PublishedHome | undefined | Promise<PublishedHome | undefined>;
  /** Everyone who was ever published a Home. */
  users(): string[] | Promise<string[]>;
  /** Records a publish; false when a newer one was recorded meanwhile (the row is then marked for a fresh one). */
  record(userId: string, digest: string, logSeq: number, at: Date): boolean | Promise<boolean>;
}

/** A PostgreSQL replica: writes go through PostgreSQL, leases and user-group members live there. */
export interface ReplicaPort {
  /**
   * `probeFirst`: run it on the local copy first and go to PostgreSQL only if it appends (a periodic look that
   * mostly finds nothing to do need not take the append lock each time).
   */
  write<T>(work: () => T, options?: { probeFirst?: boolean }): Promise<T>;
  /** True while a `probeFirst` write runs on the copy only (what it appends is rolled back: nothing to report). */
  readonly probing: boolean;
  leases: WorkLeases;
  /** The shared log's own chain, walked where it is kept (PostgreSQL is the truth; the copy is a cache). */
  verifyShared(): Promise<ChainVerdict>;
  /** The hashes of these events in the shared log (those it holds). */
  sharedHashes(seqs: readonly number[]): Promise<Map<number, string>>;
  /** The bytes of an audit record file another replica (or this one) asked to upload, from the shared store. */
  exportFile(sha256: string): Promise<string | undefined>;
  groups: SharedGroups;
  homeViews: PublishedHomes;
}

/**
 * Runs a synchronous write: at once on SQLite, through PostgreSQL on a replica. `probeFirst` for work that mostly
 * only reads (building a record that names people only when a name is new).
 */
export function committed<T>(
  ctx: { replica?: ReplicaPort },
  work: () => T,
  options: { probeFirst?: boolean } = {},
): T | Promise<T> {
  return ctx.replica ? ctx.replica.write(work, options) : work();
}

/** The replica's PostgreSQL leases, or the SQLite lease table beside the log. */
export function workLeases(ctx: { replica?: ReplicaPort }, store: OutboxStore): WorkLeases {
  return (
    ctx.replica?.leases ?? {
      lease: async (subject, holder, ttlMs) => store.lease(subject, holder, Date.now(), ttlMs),
      release: async (subject, holder) => store.release(subject, holder),
    }
  );
}
