/**
 * The Slack outbox: a worker that brings Slack to the state the event log describes. Nothing else in the product
 * calls Slack to change a decision's channel, card or call: use cases append to the log and nudge the outbox.
 *
 * - What to do next is derived from the decision's events (`nextSlackEffect`), so a restart, a second process or
 *   a retry derives the same work; nothing is queued in memory that the log does not also say.
 * - Each decision is driven by one worker at a time, under a lease with an expiry in the database.
 * - Posts that Slack cannot de-duplicate record an attempt (with its idempotency key) in the log first; after an
 *   unknown outcome the retry looks in Slack for what the attempt left (the channel by the name chosen, the card
 *   by the decision id in its metadata) before doing it again.
 * - The card is rendered from the latest state at send time, updates coalesce, and a rendering older than one
 *   Slack acknowledged is never sent (per-card version).
 * - Slack calls fail fast (no client retries): a retry here re-renders instead of resending an old body.
 */
import { randomUUID } from 'node:crypto';
import {
  DecisionEvents,
  type CallPinnedPayload,
  type CallPostedPayload,
  type CardPostedPayload,
  type ChannelCreatedPayload,
  type ChannelNamedPayload,
  type DecisionState,
  type EffectAttemptedPayload,
  type EffectFailedPayload,
  type InvitedPayload,
  type TopicSetPayload,
} from '../decisions/decision-model';
import { channelAttempt, nextChannelName, nextSlackEffect, type SlackEffect } from '../decisions/slack-effects';
import { OutboxStore } from '../store/outbox-store';
import type { ChannelNotice } from '../decisions/decision-model';
import { postChannelNotice } from './channel-notice-outbox';
import type { AppContext } from './app-context';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { displayTimeZone } from './display-zone';
import { noticeRefused, performNotice, type NoticePort } from './notice-outbox';
import { nameFirstSeen, type SlackProfiles } from './name-first-seen';
import { committed, workLeases, type WorkLeases } from './replica-write';

/** Slack refused the effect for good (an `ok:false` that a retry would not change). */
export class EffectRefused extends Error {
  constructor(readonly error: string) {
    super(`Slack refused: ${error}`);
    this.name = 'EffectRefused';
  }
}

/** The outcome is unknown or Slack is busy (429, 5xx, time-out): retry, after `retryAfterMs` when Slack said so. */
export class EffectUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'EffectUnavailable';
  }
}

/** The Slack calls the outbox makes (src/slack/slack-gateway.ts). Failures throw EffectRefused or EffectUnavailable. */
export interface SlackEffectsPort extends NoticePort {
  /** Creates a public channel; `name_taken` throws EffectRefused('name_taken'). */
  createChannel(name: string): Promise<{ id: string; name: string }>;
  /** A channel of that name the bot created, if Slack has one (conversations.list). */
  findOwnChannel(name: string): Promise<{ id: string; name: string } | undefined>;
  setTopic(channel: string, topic: string): Promise<void>;
  invite(
    channel: string,
    users: string[],
  ): Promise<{ invited: string[]; refused: { userId: string; error: string }[] }>;
  /** The ts of the bot's message carrying this idempotency key in its metadata, if the channel has one. */
  findPosted(channel: string, key: string): Promise<string | undefined>;
  /** Renders the card from `state` and posts it with `key` in its metadata. */
  postCard(state: DecisionState, key: string): Promise<string>;
  updateCard(state: DecisionState, ts: string): Promise<void>;
  postCall(state: DecisionState, key: string): Promise<string>;
  /** Pins a message; `already_pinned` is success. */
  pin(channel: string, ts: string): Promise<void>;
  /** Slack profiles (users.info): names, and the users Slack has no profile for. */
  profiles(users: string[]): Promise<SlackProfiles>;
  /** Posts a notice of the log (escaped, with its mentions) with `notice.key` in its metadata. */
  postChannelNotice(channel: string, notice: ChannelNotice): Promise<string>;
}

export interface OutboxLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
}

export interface OutboxOptions {
  /** How long a lease lasts; longer than the slowest Slack call, so no two workers send for one decision. */
  leaseMs?: number;
  /** How often every decision is compared with Slack (appends by other processes, expired leases). */
  sweepMs?: number;
  /** First retry delay after a busy Slack without Retry-After; doubles up to maxRetryMs. */
  minRetryMs?: number;
  maxRetryMs?: number;
  holder?: string;
  logger?: OutboxLogger;
  /** Told when Slack refused an effect for good, so the person who acted hears of it. */
  onRefused?: (state: DecisionState, effect: SlackEffect, error: string) => void | Promise<void>;
  /** Told of every nudge (an append in this process), e.g. so the deadline scheduler looks again. */
  onNudge?: (decisionId: string) => void;
  /** Awaited before each step: the Slack edge holds this work back while requests wait for their ack. */
  waitTurn?: () => Promise<void>;
}

export class SlackOutbox {
  private readonly store: OutboxStore;
  private readonly leases: WorkLeases;
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; failures: number }>();
  private readonly failures = new Map<string, number>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly slack: SlackEffectsPort,
    private readonly options: OutboxOptions = {},
  ) {
    this.store = new OutboxStore(ctx.db);
    this.leases = workLeases(ctx, this.store);
    this.holder = options.holder ?? `${process.pid}:${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.sweepMs = options.sweepMs ?? 5_000;
    this.minRetryMs = options.minRetryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  /** Reconciles every decision with Slack now, then keeps sweeping. */
  start(): void {
    this.stopped = false;
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepMs);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    await Promise.allSettled([...this.running.values()]);
    this.store.close();
  }

  /** The log changed for this decision: bring Slack up to date (coalesced with a run already under way). */
  nudge(decisionId: string): void {
    if (this.stopped) return;
    this.options.onNudge?.(decisionId);
    if (this.running.has(decisionId)) {
      this.dirty.add(decisionId);
      return;
    }
    // a nudge does not jump a Retry-After that Slack asked for
    if (this.retries.has(decisionId)) return;
    const run = this.drive(decisionId).finally(() => this.running.delete(decisionId));
    this.running.set(decisionId, run);
  }

  /** What is still to do for a decision (undefined when Slack shows what the log says). */
  pending(decisionId: string): SlackEffect | undefined {
    const state = loadDecision(this.ctx, decisionId);
    return nextSlackEffect(state, this.sentVersion(state), displayTimeZone(this.ctx));
  }

  /** Resolves when no decision has work in flight in this process (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Compares every decision with Slack now (after convening in bulk, e.g. an import). */
  reconcile(): void {
    this.sweep();
  }

  private sweep(): void {
    for (const state of listDecisions(this.ctx)) {
      if (nextSlackEffect(state, this.sentVersion(state), displayTimeZone(this.ctx))) this.nudge(state.id);
    }
  }

  private sentVersion(state: DecisionState): number {
    return state.cardTs ? this.store.sentCardVersion(state.id, state.cardTs) : 0;
  }

  private async drive(decisionId: string): Promise<void> {
    const subject = `decision:${decisionId}`;
    let held = false;
    let heldUntil = 0;
    try {
      for (;;) {
        await this.options.waitTurn?.();
        this.dirty.delete(decisionId);
        if (this.stopped) return;
        // another worker drives it when this fails; the sweep looks again once its lease could have expired.
        // Renewed only when half of it is gone: one write per run, not one per step.
        const now = Date.now();
        if (!held || now > heldUntil - this.leaseMs / 2) {
          if (!(held = await this.leases.lease(subject, this.holder, this.leaseMs))) return;
          heldUntil = now + this.leaseMs;
        }
        const state = loadDecision(this.ctx, decisionId);
        const effect = nextSlackEffect(state, this.sentVersion(state), displayTimeZone(this.ctx));
        if (!effect) {
          this.failures.delete(decisionId);
          if (this.dirty.has(decisionId)) continue;
          return;
        }
        try {
          await this.perform(state, effect);
          this.failures.delete(decisionId);
        } catch (error) {
          if (error instanceof EffectRefused) {
            await this.refused(decisionId, effect, error.error);
            continue;
          }
          this.retryLater(decisionId, effect, error as Error);
          return;
        }
      }
    } catch (error) {
      // a bug or a store failure: the sweep tries again; nothing is lost, the log still says what to do
      this.options.logger?.warn({ decision: decisionId, err: (error as Error).message }, 'outbox run failed');
    } finally {
      if (held) await this.release(subject, decisionId);
    }
  }

  /** A lease that cannot be given back now (the database stays locked) runs out on its own: never a crash. */
  private async release(subject: string, decisionId: string): Promise<void> {
    try {
      await this.leases.release(subject, this.holder);
    } catch (error) {
      this.options.logger?.warn({ decision: decisionId, err: (error as Error).message }, 'outbox lease left to expire');
    }
  }

  private retryLater(decisionId: string, effect: SlackEffect, error: Error): void {
    const failures = (this.failures.get(decisionId) ?? 0) + 1;
    this.failures.set(decisionId, failures);
    const backoff = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** (failures - 1));
    const delay = error instanceof EffectUnavailable && error.retryAfterMs !== undefined ? error.retryAfterMs : backoff;
    this.options.logger?.warn(
      { decision: decisionId, effect: effect.kind, err: error.message, retryInMs: delay },
      'Slack effect not done yet; retrying',
    );
    const timer = setTimeout(() => {
      this.retries.delete(decisionId);
      this.nudge(decisionId);
    }, delay);
    timer.unref();
    this.retries.set(decisionId, { timer, failures });
  }

  private async refused(decisionId: string, effect: SlackEffect, error: string): Promise<void> {
    let state = loadDecision(this.ctx, decisionId);
    if (effect.kind === 'create-channel' && error === 'name_taken') {
      // taken: ours from an attempt whose reply was lost, or someone else's (then the next name, written first)
      const own = await this.slack.findOwnChannel(effect.name);
      if (own && !this.recordedElsewhere(decisionId, own.id)) {
        await this.append<ChannelCreatedPayload>(state, DecisionEvents.channelCreated, { ...own, found: true });
      } else {
        const name = nextChannelName(
          state.bulletinId,
          channelAttempt(state.bulletinId, effect.name),
          this.namesOfOthers(decisionId),
        );
        await this.append<ChannelNamedPayload>(state, DecisionEvents.channelNamed, { name });
      }
      return;
    }
    if (effect.kind === 'post-notice') {
      state = await noticeRefused(effect, error, (type, payload) => this.append(state, type, payload));
      this.options.logger?.warn({ decision: decisionId, effect: effect.kind, error }, 'Slack refused a notice');
      return;
    }
    const failed = failedEffectOf(effect);
    state = await this.append<EffectFailedPayload>(state, DecisionEvents.effectFailed, { effect: failed, error });
    this.options.logger?.warn({ decision: decisionId, effect: effect.kind, error }, 'Slack refused an effect');
    await Promise.resolve(this.options.onRefused?.(state, effect, error)).catch(() => undefined);
  }

  private async perform(state: DecisionState, effect: SlackEffect): Promise<void> {
    switch (effect.kind) {
      case 'create-channel': {
        const channel = await this.slack.createChannel(effect.name);
        await this.append<ChannelCreatedPayload>(state, DecisionEvents.channelCreated, channel);
        return;
      }
      case 'set-topic':
        await this.slack.setTopic(effect.channel, effect.topic);
        await this.append<TopicSetPayload>(state, DecisionEvents.topicSet, {
          channel: effect.channel,
          topic: effect.topic,
        });
        return;
      case 'invite': {
        const answer = await this.slack.invite(effect.channel, effect.users);
        await this.append<InvitedPayload>(state, DecisionEvents.invited, { channel: effect.channel, ...answer });
        return;
      }
      case 'post-card':
        return this.postCard(state, effect);
      case 'update-card': {
        const latest = loadDecision(this.ctx, state.id);
        await this.slack.updateCard(latest, effect.ts);
        this.store.recordCardVersion(state.id, effect.ts, latest.cardVersion, this.ctx.clock());
        return;
      }
      case 'post-call':
        return this.postCall(state, effect);
      case 'pin-call':
        await this.slack.pin(effect.channel, effect.ts);
        await this.append<CallPinnedPayload>(state, DecisionEvents.callPinned, {
          channel: effect.channel,
          ts: effect.ts,
        });
        return;
      case 'post-channel-notice':
        return postChannelNotice(this.slack, state, effect, (type, payload) => this.append(state, type, payload));
      case 'post-notice':
        return performNotice(
          this.slack,
          state,
          effect,
          () => loadDecision(this.ctx, state.id),
          (type, payload) => this.append(state, type, payload),
        );
      case 'name-people':
        return nameFirstSeen(this.ctx, state.id, effect.users, this.slack);
    }
  }

  private async postCard(state: DecisionState, effect: Extract<SlackEffect, { kind: 'post-card' }>): Promise<void> {
    const found = effect.look ? await this.slack.findPosted(effect.channel, effect.key) : undefined;
    if (found) {
      await this.append<CardPostedPayload>(state, DecisionEvents.cardPosted, {
        channel: effect.channel,
        ts: found,
        found: true,
      });
      return;
    }
    if (!effect.look)
      state = await this.append<EffectAttemptedPayload>(state, DecisionEvents.effectAttempted, {
        effect: 'card',
        key: effect.key,
      });
    // rendered from the latest state, as late as possible
    const latest = loadDecision(this.ctx, state.id);
    const ts = await this.slack.postCard(latest, effect.key);
    await this.append<CardPostedPayload>(state, DecisionEvents.cardPosted, {
      channel: effect.channel,
      ts,
    });
    this.store.recordCardVersion(state.id, ts, latest.cardVersion, this.ctx.clock());
  }

  private async postCall(state: DecisionState, effect: Extract<SlackEffect, { kind: 'post-call' }>): Promise<void> {
    const found = effect.look ? await this.slack.findPosted(effect.channel, effect.key) : undefined;
    if (!found && !effect.look)
      state = await this.append<EffectAttemptedPayload>(state, DecisionEvents.effectAttempted, {
        effect: 'call',
        key: effect.key,
      });
    const ts = found ?? (await this.slack.postCall(loadDecision(this.ctx, state.id), effect.key));
    await this.append<CallPostedPayload>(state, DecisionEvents.callPosted, {
      channel: effect.channel,
      ts,
      pinned: false,
    });
  }

  /** Folded and appended in one write (through PostgreSQL on a replica), so the fold is the latest state. */
  private async append<P>(state: DecisionState, type: string, payload: P): Promise<DecisionState> {
    return committed(this.ctx, () =>
      appendDecisionEvent(this.ctx, loadDecision(this.ctx, state.id), type, 'system', payload),
    );
  }

  private namesOfOthers(decisionId: string): Set<string> {
    return new Set(
      listDecisions(this.ctx)
        .filter((d) => d.id !== decisionId)
        .flatMap((d) => [d.channelName, d.channel?.name].filter((n): n is string => n !== undefined)),
    );
  }

  private recordedElsewhere(decisionId: string, channelId: string): boolean {
    return listDecisions(this.ctx).some((d) => d.id !== decisionId && d.channel?.id === channelId);
  }
}

function failedEffectOf(effect: Exclude<SlackEffect, { kind: 'post-notice' }>): EffectFailedPayload['effect'] {
  switch (effect.kind) {
    case 'create-channel':
      return 'channel';
    case 'set-topic':
      return 'topic';
    case 'invite':
      return 'invite';
    case 'post-card':
    case 'update-card':
      return 'card';
    case 'post-call':
      return 'call';
    case 'pin-call':
      return 'pin';
    case 'name-people':
      return 'names';
    case 'post-channel-notice':
      return 'channel-notice';
  }
}
