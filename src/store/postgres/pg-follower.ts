/**
 * A replica follows the log: it LISTENs for appends and reads every event after the last one it has seen, in order.
 * The notification only says "there is more"; the read from the last seen seq is what counts, so a notification
 * lost while disconnected costs nothing: on reconnect the follower listens first, then catches up.
 */
import type pg from 'pg';
import type { StoredEvent } from '../event-log';
import type { PgEventLog } from './pg-event-log';
import { connectClient } from './pg-pool';

export const APPEND_CHANNEL = 'patchcall_events';

export interface FollowerOptions<E extends { seq: number } = StoredEvent> {
  /** The last event already seen (0: from the start). */
  afterSeq?: number;
  /** Called in seq order, once per event, never twice; the next batch waits for it. */
  onEvents: (events: E[]) => void | Promise<void>;
  /** How events after a seq are read (default: the log's parsed events; a replica cache reads the raw chain). */
  read?: (afterSeq: number) => AsyncIterable<E>;
  onError?: (error: unknown) => void;
  reconnectDelayMs?: number;
}

export class PgLogFollower<E extends { seq: number } = StoredEvent> {
  private seen: number;
  private client: pg.Client | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private again = false;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly url: string,
    private readonly log: PgEventLog,
    private readonly options: FollowerOptions<E>,
  ) {
    this.seen = options.afterSeq ?? 0;
  }

  get lastSeq(): number {
    return this.seen;
  }

  async start(): Promise<void> {
    await this.listen();
    await this.catchUp();
  }

  /** Resolves once every event up to `seq` has been handed to onEvents. */
  waitFor(seq: number): Promise<void> {
    if (this.seen >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Reads everything after the last seen seq; a call while a read runs makes that read go round once more. */
  catchUp(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          let batch: E[] = [];
          const read = this.options.read ?? ((afterSeq) => this.log.read({ afterSeq }) as AsyncIterable<E>);
          for await (const event of read(this.seen)) {
            batch.push(event);
            if (batch.length >= 500) batch = await this.deliver(batch);
          }
          await this.deliver(batch);
        } while (this.again && !this.stopped);
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.running;
  }

  private async deliver(batch: E[]): Promise<E[]> {
    if (batch.length === 0) return batch;
    await this.options.onEvents(batch);
    this.seen = batch[batch.length - 1]!.seq;
    const ready = this.waiters.filter((w) => w.seq <= this.seen);
    this.waiters = this.waiters.filter((w) => w.seq > this.seen);
    for (const waiter of ready) waiter.resolve();
    return [];
  }

  private async listen(): Promise<void> {
    const client = connectClient(this.url);
    client.on('notification', (message) => {
      if (message.channel === APPEND_CHANNEL && Number(message.payload) > this.seen) void this.catchUp();
    });
    client.on('error', (error) => {
      this.options.onError?.(error);
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${APPEND_CHANNEL}`);
    this.client = client;
  }

  private async reconnect(broken: pg.Client): Promise<void> {
    if (this.stopped || this.client !== broken) return;
    this.client = undefined;
    await broken.end().catch(() => undefined);
    while (!this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, this.options.reconnectDelayMs ?? 500));
      try {
        await this.listen();
        await this.catchUp();
        return;
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}
