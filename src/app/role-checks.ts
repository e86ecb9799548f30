/**
 * Settles the positions the log holds as pending a role check (src/decisions/pending-role-checks.ts): after the ack,
 * it asks Slack for the members of the groups that could hold the person, records them in the cache, and appends
 * the position (same key) or the refusal. Derived from the log, so a check whose process died right after the ack
 * is settled by the next one to start. A lookup that fails is retried: nobody is refused on what Slack did not say.
 */
import { rolesHeld, speakingRoles } from '../decisions/apply-roster-event';
import {
  DecisionEvents,
  type CalledPayload,
  type DecisionState,
  type PositionPayload,
  type RefusedPayload,
  type SpeakingRole,
} from '../decisions/decision-model';
import {
  callerGroups,
  pendingCallsOf,
  pendingChecksOf,
  speakingGroups,
  type PendingCall,
  type PendingCheck,
} from '../decisions/pending-role-checks';
import type { AppContext } from './app-context';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { NOT_THE_CALLER } from './decision-call';
import { committed } from './replica-write';
import { NOT_A_SPEAKER } from './decision-positions';
import { requestProviders } from './provider-requests';
import type { RoleMembership } from './role-membership';
import type { OutboxLogger } from './slack-outbox';
import { SweepWorker, type SweepOptions } from './sweep-worker';

export type RoleCheckOutcome =
  | { kind: 'recorded'; roles: SpeakingRole[] }
  | { kind: 'refused'; reason: string }
  /** The call was made before the check settled: the position is in the log but no longer counts. */
  | { kind: 'decided' };

export type CallCheckOutcome =
  | { kind: 'called'; as: 'owner' | 'delegate' }
  | { kind: 'refused'; reason: string }
  /** Another call stood by the time the check settled: this one is in the log but is not the call. */
  | { kind: 'decided' };

export interface RoleChecksOptions extends SweepOptions {
  logger?: OutboxLogger;
  /** Told once a check is settled: the card follows the log, and the person hears the outcome. */
  onSettled?: (state: DecisionState, check: PendingCheck, outcome: RoleCheckOutcome) => void | Promise<void>;
  /** The same for a call that waited on the check. */
  onCallSettled?: (state: DecisionState, call: PendingCall, outcome: CallCheckOutcome) => void | Promise<void>;
}

/** Slack's answer for a group that no longer exists: it holds nobody, which is an answer, not a failure. */
const GONE = new Set(['no_such_subteam', 'subteam_not_found']);

export class RoleChecks extends SweepWorker {
  private failures = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly membership: RoleMembership,
    private readonly options: RoleChecksOptions = {},
  ) {
    super(ctx, options, 30_000);
  }

  protected async run(): Promise<void> {
    try {
      do {
        this.dirty = false;
        for (const state of listDecisions(this.ctx)) {
          if (this.stopped) return;
          if (pendingChecksOf(state).length === 0 && pendingCallsOf(state).length === 0) continue;
          const subject = `role-check:${state.id}`;
          if (!(await this.leases.lease(subject, this.holder, this.leaseMs))) continue;
          try {
            if (!(await this.settle(state.id))) return this.retryLater();
          } finally {
            await this.leases.release(subject, this.holder);
          }
        }
        this.failures = 0;
      } while (this.dirty && !this.stopped);
    } catch (error) {
      this.options.logger?.warn({ err: (error as Error).message }, 'role checks failed; the sweep tries again');
    }
  }

  /** Looks the groups up and settles every pending check of the decision; false when Slack did not answer. */
  private async settle(decisionId: string): Promise<boolean> {
    const checks = pendingChecksOf(loadDecision(this.ctx, decisionId));
    const calls = pendingCallsOf(loadDecision(this.ctx, decisionId));
    if (checks.length === 0 && calls.length === 0) return true;
    // a group Slack answered for after the last of these clicks was appended needs no lookup of its own: a burst
    // of clicks shares one lookup per group (the first check's, joined while in flight)
    const newest = Math.max(...[...checks, ...calls].map((c) => c.seq));
    const roles = this.membership.roles();
    const groupIds = new Set([
      ...[...checks, ...calls].flatMap((c) => c.groups),
      ...(checks.length ? speakingGroups(roles) : []),
      ...(calls.length ? callerGroups(roles) : []),
    ]);
    for (const groupId of groupIds) {
      if (this.membership.answeredSince(groupId, newest)) continue;
      try {
        await this.membership.lookUp(groupId);
      } catch (error) {
        const said = (error as { data?: { error?: string } }).data?.error;
        if (said !== undefined && GONE.has(said)) {
          this.membership.groupUpdated(groupId, []);
          continue;
        }
        this.options.logger?.warn(
          { group: groupId, err: (error as Error).message },
          'user group lookup for a role check failed; retrying',
        );
        return false;
      }
    }
    const current = this.membership.current();
    for (const check of checks) {
      let state = loadDecision(this.ctx, decisionId);
      if (!state.pendingChecks?.[check.key]) continue;
      const roles = speakingRoles(rolesHeld(check.userId, state.members, current));
      let outcome: RoleCheckOutcome;
      if (roles.length > 0) {
        const decided = state.status === 'decided';
        state = await this.appendNow<PositionPayload>(decisionId, DecisionEvents.positionRecorded, check.userId, {
          userId: check.userId,
          roles,
          stance: check.stance,
          key: check.key,
          ...(check.comment ? { comment: check.comment } : {}),
        });
        outcome = decided ? { kind: 'decided' } : { kind: 'recorded', roles };
      } else {
        state = await this.appendNow<RefusedPayload>(decisionId, DecisionEvents.refused, check.userId, {
          userId: check.userId,
          attempted: 'position',
          reason: NOT_A_SPEAKER,
          key: check.key,
        });
        outcome = { kind: 'refused', reason: NOT_A_SPEAKER };
        // their next click is refused before its ack, while Slack's answer is fresh
        this.membership.foundOutside(check.userId, check.groups);
      }
      await Promise.resolve(this.options.onSettled?.(state, check, outcome)).catch(() => undefined);
    }
    for (const call of calls) await this.settleCall(decisionId, call, current);
    return true;
  }

  /** Records the call as submitted (owner or delegate after all) or refuses it, under the pending key. */
  private async settleCall(decisionId: string, call: PendingCall, current: DecisionState['members']): Promise<void> {
    let state = loadDecision(this.ctx, decisionId);
    if (!state.pendingCalls?.[call.key]) return;
    const held = rolesHeld(call.userId, state.members, current);
    const as = held.includes('owner') ? 'owner' : held.includes('delegate') ? 'delegate' : undefined;
    let outcome: CallCheckOutcome;
    if (as) {
      // the first call stands (the fold keeps it); a later one stays in the log only
      const decided = state.status === 'decided' && !state.living?.factsChanged;
      const { at: _at, seq: _seq, groups: _groups, ...submitted } = call;
      // on a PostgreSQL replica both appends go through PostgreSQL, folded from its head
      state = await committed(this.ctx, () => {
        const called = appendDecisionEvent<CalledPayload>(
          this.ctx,
          loadDecision(this.ctx, decisionId),
          DecisionEvents.called,
          call.userId,
          { ...submitted, as },
        );
        return decided ? called : requestProviders(this.ctx, decisionId);
      });
      outcome = decided ? { kind: 'decided' } : { kind: 'called', as };
    } else {
      state = await this.appendNow<RefusedPayload>(decisionId, DecisionEvents.refused, call.userId, {
        userId: call.userId,
        attempted: 'call',
        reason: NOT_THE_CALLER,
        key: call.key,
      });
      outcome = { kind: 'refused', reason: NOT_THE_CALLER };
      this.membership.foundOutside(call.userId, call.groups);
    }
    await Promise.resolve(this.options.onCallSettled?.(state, call, outcome)).catch(() => undefined);
  }

  /** Folded and appended in one write (through PostgreSQL on a replica), so the fold is the latest state. */
  private appendNow<P>(decisionId: string, type: string, actor: string, payload: P): Promise<DecisionState> {
    return Promise.resolve(
      committed(this.ctx, () =>
        appendDecisionEvent<P>(this.ctx, loadDecision(this.ctx, decisionId), type, actor, payload),
      ),
    );
  }

  private retryLater(): void {
    this.failures += 1;
    this.retryIn(this.backoffMs(this.failures));
  }
}
