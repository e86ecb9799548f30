/**
 * The daily digest through the log: the scheduler writes `digest.due` once per day (keyed by the date, checked
 * again inside the write transaction), and this delivery posts each due digest once, under a lease in the database
 * so two processes do not both post; the attempt is written first, and after an unknown outcome the channel is
 * searched for the key before posting again. What it says is computed from the log at send time.
 */
import { randomUUID } from 'node:crypto';
import {
  DIGEST_STREAM,
  DigestEvents,
  digestContent,
  dueDigest,
  foldDigests,
  type DigestContent,
  type DigestDuePayload,
  type DigestFailedPayload,
  type DigestPostedPayload,
  type DigestState,
} from '../decisions/digest';
import type { DigestSchedule } from '../decisions/reminder-policy';
import { OutboxStore } from '../store/outbox-store';
import { writeTransaction } from '../store/write-transaction';
import { committed, workLeases, type WorkLeases } from './replica-write';
import type { AppContext } from './app-context';
import { listDecisions } from './decision-log';
import { EffectRefused } from './slack-outbox';

/** The Slack calls of the digest (src/slack/slack-gateway.ts); failures throw EffectRefused or EffectUnavailable. */
export interface DigestPort {
  /** Posts the digest into the channel (an id, or a name the gateway resolves) with `key` in its metadata. */
  postDigest(channel: string, content: DigestContent, key: string): Promise<{ channel: string; ts: string }>;
  /** The digest carrying `key`, if the channel has it. */
  findDigest(channel: string, key: string): Promise<{ channel: string; ts: string } | undefined>;
}

export interface DigestLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

const LEASE_SUBJECT = 'digest';

/** Writes the digest due at `now` unless its key is in the log; its key when it wrote one. */
export function scheduleDigest(ctx: AppContext, schedule: DigestSchedule, now: Date): string | undefined {
  const due = dueDigest(schedule, now);
  if (!due) return undefined;
  return writeTransaction(ctx.db, () => {
    if (readDigests(ctx).has(due.key)) return undefined;
    ctx.events.append<DigestDuePayload>({
      type: DigestEvents.due,
      stream: DIGEST_STREAM,
      actor: 'system',
      payload: due,
    });
    return due.key;
  });
}

export function readDigests(ctx: AppContext): Map<string, DigestState> {
  return foldDigests(ctx.events.read({ stream: DIGEST_STREAM }));
}

/** Digests written but neither posted nor refused. */
export function pendingDigests(ctx: AppContext): DigestState[] {
  return [...readDigests(ctx).values()].filter((d) => !d.posted && d.failed === undefined);
}

export class DigestDelivery {
  private readonly store: OutboxStore;
  private readonly leases: WorkLeases;
  private readonly holder = `${process.pid}:${randomUUID()}`;
  private running?: Promise<void>;

  constructor(
    private readonly ctx: AppContext,
    private readonly port: DigestPort,
    private readonly options: { leaseMs?: number; logger?: DigestLogger } = {},
  ) {
    this.store = new OutboxStore(ctx.db);
    this.leases = workLeases(ctx, this.store);
  }

  /** Posts every pending digest (coalesced with a run already under way). */
  deliver(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    await this.running;
    this.store.close();
  }

  private async run(): Promise<void> {
    const leaseMs = this.options.leaseMs ?? 30_000;
    if (!pendingDigests(this.ctx).length || !(await this.leases.lease(LEASE_SUBJECT, this.holder, leaseMs))) return;
    try {
      for (const digest of pendingDigests(this.ctx)) await this.post(digest);
    } catch (error) {
      // busy or unknown: the scheduler's next look tries again, and the log still says what is pending
      this.options.logger?.warn({ err: (error as Error).message }, 'digest not posted yet; retrying later');
    } finally {
      await this.leases.release(LEASE_SUBJECT, this.holder);
    }
  }

  private async post(digest: DigestState): Promise<void> {
    const append = <P>(type: string, payload: P) =>
      committed(this.ctx, () => this.ctx.events.append<P>({ type, stream: DIGEST_STREAM, actor: 'system', payload }));
    try {
      const found = digest.attempted ? await this.port.findDigest(digest.channel, digest.key) : undefined;
      if (found) {
        await append<DigestPostedPayload>(DigestEvents.posted, { key: digest.key, ...found, found: true });
        return;
      }
      if (!digest.attempted) await append(DigestEvents.attempted, { key: digest.key });
      const content = digestContent(listDecisions(this.ctx), this.ctx.clock());
      const posted = await this.port.postDigest(digest.channel, content, digest.key);
      await append<DigestPostedPayload>(DigestEvents.posted, { key: digest.key, ...posted });
    } catch (error) {
      if (!(error instanceof EffectRefused)) throw error;
      await append<DigestFailedPayload>(DigestEvents.failed, { key: digest.key, error: error.error });
      this.options.logger?.warn({ digest: digest.key, error: error.error }, 'Slack refused the daily digest');
    }
  }
}
