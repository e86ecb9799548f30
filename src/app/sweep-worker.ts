/**
 * A worker that does what the log asks for, one run at a time: nudged after an append, swept every few seconds
 * (a process that died may have left work), retried with backoff when Slack did not answer. Each piece of work is
 * leased in the database first, so several processes sharing one store never do it twice. The record outbox and
 * the role checks are such workers; each says in `run()` what its work is.
 */
import { randomUUID } from 'node:crypto';
import { OutboxStore } from '../store/outbox-store';
import type { AppContext } from './app-context';
import { workLeases, type WorkLeases } from './replica-write';

export interface SweepOptions {
  leaseMs?: number;
  sweepMs?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  holder?: string;
}

export abstract class SweepWorker {
  protected readonly store: OutboxStore;
  /** Shared by every process on the store: SQLite's lease table, or PostgreSQL's on a replica. */
  protected readonly leases: WorkLeases;
  protected readonly holder: string;
  protected readonly leaseMs: number;
  private readonly sweepMs: number;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private running?: Promise<void>;
  protected dirty = false;
  protected stopped = false;
  private sweepTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;

  protected constructor(ctx: AppContext, options: SweepOptions, defaultLeaseMs: number) {
    this.store = new OutboxStore(ctx.db);
    this.leases = workLeases(ctx, this.store);
    this.holder = options.holder ?? `${process.pid}:${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? defaultLeaseMs;
    this.sweepMs = options.sweepMs ?? 5_000;
    this.minRetryMs = options.minRetryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  /** One pass over the work the log asks for; it loops while `dirty` says the log changed meanwhile. */
  protected abstract run(): Promise<void>;

  /** Does what the log still asks for now (after a restart too), then keeps looking. */
  start(): void {
    this.stopped = false;
    this.nudge();
    this.sweepTimer = setInterval(() => this.nudge(), this.sweepMs);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
    this.store.close();
  }

  /** The log asks for something new: do it (coalesced with a run already under way). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.run().finally(() => (this.running = undefined));
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The wait before the `failures`-th retry: doubling from the minimum, up to the maximum. */
  protected backoffMs(failures: number): number {
    return Math.min(this.maxRetryMs, this.minRetryMs * 2 ** (failures - 1));
  }

  /** Runs again after `delay` ms (one timer: a sooner retry replaces a later one). */
  protected retryIn(delay: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.nudge(), delay);
    this.retryTimer.unref();
  }
}
