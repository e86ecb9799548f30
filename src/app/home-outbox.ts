/**
 * App Home pushed, not only rebuilt on open: whenever what a person's Home shows changes (a decision convened, a
 * position given or still owed, the call, a deadline passed, a plan step overdue, a person joining or leaving a
 * role's user group), their view is published again with `views.publish`. The view is derived from the log when it
 * is published, never queued, so a run after a restart or a late run of another process cannot publish stale
 * content; a digest per person (db/migrations/014; on PostgreSQL one table for all replicas) skips what Slack
 * already shows, and the log head it came from keeps an older view from passing for a newer one. A run renders only
 * the Homes something touched since the last (src/decisions/home-audience.ts): the people of a decision with new
 * events or a passed deadline, the people whose roles changed, and everyone when the part every Home shows alike
 * changed; the first run after a start renders every Home once (and publishes only those Slack does not show). Runs
 * coalesce (a burst of appends is one run), and each person is leased while their view is published, so two
 * processes do not publish the same view twice.
 */
import { createHash } from 'node:crypto';
import type { DecisionState } from '../decisions/decision-model';
import {
  changedHolders,
  decisionPeople,
  homeAudience,
  noMembers,
  timePassedAMark,
  type CurrentMembers,
} from '../decisions/home-audience';
import { HomeViewsStore } from '../store/home-views-store';
import type { AppContext } from './app-context';
import { listDecisions } from './decision-log';
import { listDecisionOverviews, type DecisionOverview } from './decision-overview';
import { EffectRefused, EffectUnavailable, type OutboxLogger } from './slack-outbox';
import { SweepWorker, type SweepOptions } from './sweep-worker';
import type { PublishedHomes } from './replica-write';

/** What every Home is rendered from: one reading of the log, at one moment. */
export interface HomeSnapshot {
  decisions: DecisionState[];
  overviews: DecisionOverview[];
  /** Who holds each role now (the roster with its user groups expanded from the cache). */
  members: CurrentMembers;
  now: Date;
}

/** The Slack side (src/slack/home-gateway.ts); `publish` fails with EffectRefused or EffectUnavailable. */
export interface HomeViewsPort {
  /** The person's Home view (Block Kit JSON) as the snapshot shows it. */
  render(userId: string, snapshot: HomeSnapshot): object;
  /** The part every Home shows alike (the lists of decisions): when it changes, every Home changes. */
  renderShared(snapshot: HomeSnapshot): object;
  publish(userId: string, view: object): Promise<void>;
}

export interface HomeOutboxOptions extends SweepOptions {
  logger?: OutboxLogger;
  /** Who holds each role now (src/app/role-membership.ts); without it, only the people named at convening. */
  members?: () => CurrentMembers;
  /** Awaited before each Home is rendered: the Slack edge holds this work back while requests wait for their ack. */
  waitTurn?: () => Promise<void>;
}

/** What the last run looked at: what changed after it is what the next run renders. */
interface Seen {
  seq: number;
  now: Date;
  shared: string;
  members: CurrentMembers;
}

const DEFAULT_LEASE_MS = 30_000;

export class HomeOutbox extends SweepWorker {
  private readonly views: PublishedHomes;
  private failures = 0;
  private soon?: NodeJS.Immediate;
  /** Unset until the first run: then every Home is looked at once (a restart reconciles everything). */
  private seen?: Seen;
  /** People whose Home is still to look at (kept over a failed or leased-elsewhere publish). */
  private readonly owed = new Set<string>();

  constructor(
    private readonly ctx: AppContext,
    private readonly port: HomeViewsPort,
    private readonly options: HomeOutboxOptions = {},
  ) {
    // time alone changes a Home (a deadline passes); appends in this process nudge at once
    super(ctx, { sweepMs: 30_000, ...options }, DEFAULT_LEASE_MS);
    this.views = ctx.replica?.homeViews ?? new HomeViewsStore(ctx.db);
  }

  /**
   * Looks again on the next turn of the event loop, not now: a nudge comes right after an append, often in a click's
   * handler before its ack, and rendering every Home must not delay that. Nudges in the same turn are one run.
   */
  override nudge(): void {
    if (this.soon) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      super.nudge();
    });
  }

  override async idle(): Promise<void> {
    while (this.soon) await new Promise((resolve) => setImmediate(resolve));
    await super.idle();
  }

  /** Publishes `userId`'s Home now (they opened it), even when it is unchanged, and records it. */
  async publishNow(userId: string): Promise<void> {
    await this.publishFor(userId, this.snapshot(), this.ctx.events.head().seq, true);
  }

  protected async run(): Promise<void> {
    do {
      await this.options.waitTurn?.();
      this.dirty = false;
      try {
        const head = this.ctx.events.head().seq;
        const snapshot = this.snapshot();
        const shared = digestOf(this.port.renderShared(snapshot));
        for (const userId of await this.touched(snapshot, shared)) this.owed.add(userId);
        this.seen = { seq: head, now: snapshot.now, shared, members: snapshot.members };
        for (const userId of [...this.owed].sort()) {
          if (this.stopped) return;
          await this.options.waitTurn?.();
          if (await this.publishFor(userId, snapshot, head, false)) this.owed.delete(userId);
        }
        this.failures = 0;
      } catch (error) {
        // Slack busy or the outcome unknown, or a store failure: the log still says what to show; try again later
        this.failures++;
        this.options.logger?.warn({ err: (error as Error).message }, 'App Home publish failed; retrying');
        const retryAfterMs = error instanceof EffectUnavailable ? error.retryAfterMs : undefined;
        this.retryIn(retryAfterMs ?? this.backoffMs(this.failures));
        return;
      }
    } while (this.dirty && !this.stopped);
  }

  /** The people whose Home may show something else than at the last run. */
  private async touched(snapshot: HomeSnapshot, shared: string): Promise<string[]> {
    const { decisions, members, now } = snapshot;
    const seen = this.seen;
    if (!seen || seen.shared !== shared) return homeAudience(decisions, members, await this.views.users());
    const people = new Set(changedHolders(seen.members, members));
    for (const decision of decisions)
      if (decision.lastSeq > seen.seq || timePassedAMark(decision, seen.now, now))
        for (const userId of decisionPeople(decision, members)) people.add(userId);
    return [...people];
  }

  private snapshot(): HomeSnapshot {
    return {
      decisions: listDecisions(this.ctx),
      overviews: listDecisionOverviews(this.ctx, { open: true }),
      members: this.options.members?.() ?? noMembers(),
      now: this.ctx.clock(),
    };
  }

  /** Publishes the view unless Slack shows it already; false when another process holds the person's lease. */
  private async publishFor(userId: string, snapshot: HomeSnapshot, head: number, force: boolean): Promise<boolean> {
    const view = this.port.render(userId, snapshot);
    const digest = digestOf(view);
    if (!force && (await this.views.published(userId))?.digest === digest) return true;
    const subject = `home:${userId}`;
    if (!(await this.leases.lease(subject, this.holder, this.leaseMs))) {
      // another process is publishing this person's Home: look again once its lease has run out
      this.retryIn(this.leaseMs);
      return false;
    }
    try {
      const published = await this.views.published(userId);
      // another process published meanwhile: the same view, or one from a newer log
      if (!force && (published?.digest === digest || (published?.logSeq ?? -1) > head)) return true;
      try {
        await this.port.publish(userId, view);
      } catch (error) {
        if (!(error instanceof EffectRefused)) throw error;
        // Slack will not take it (no such user…): recorded as done, so the same view is not tried again
        this.options.logger?.warn({ userId, err: error.error }, 'Slack refused the App Home view');
      }
      if (await this.views.record(userId, digest, head, snapshot.now)) return true;
      // a newer view was recorded meanwhile and ours went out over it: look at this person again
      this.dirty = true;
      return false;
    } finally {
      await this.leases.release(subject, this.holder);
    }
  }
}

function digestOf(view: object): string {
  return createHash('sha256').update(JSON.stringify(view)).digest('hex');
}
