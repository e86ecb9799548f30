/**
 * The call: only the decision owner or the delegate makes it, with a rationale; without quorum only with a
 * recorded reason. The call keeps the snapshot of the inputs it was made on. Once made, it is made again only when the
 * facts changed since (the owner revises it).
 */
import { loadBulletin } from './bulletin-queries';
import { checkQuorum, type QuorumPolicy, type QuorumResult } from '../decisions/check-quorum';
import { rolesHeld } from '../decisions/apply-roster-event';
import { callerGroups } from '../decisions/pending-role-checks';
import {
  DecisionEvents,
  type CalledPayload,
  type CallPendingPayload,
  type DecisionState,
  type RefusedPayload,
} from '../decisions/decision-model';
import type { CallOutcome } from '../risk/model';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision } from './decision-log';
import type { CurrentMembers } from './decision-positions';
import { takeSnapshot } from './decision-snapshot';

export interface CallRequest {
  decisionId: string;
  userId: string;
  outcome: CallOutcome;
  rationale: string;
  overrideReason?: string;
  key: string;
}

export type CallResult =
  | { kind: 'called'; state: DecisionState; quorum: QuorumResult }
  | { kind: 'needs-override'; state: DecisionState; quorum: QuorumResult }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'duplicate' | 'decided'; state: DecisionState }
  /** Not owner or delegate as far as the cache knows, but maybe new to their user group: checked after the ack. */
  | { kind: 'pending'; state: DecisionState; quorum: QuorumResult };

/** Whether the person may make the call, for the button that opens the call form. */
export type CallGate =
  /** `as` is undefined for someone who may have just joined the owner's or delegate's group (checked on submit). */
  | { kind: 'allowed'; state: DecisionState; as?: 'owner' | 'delegate'; quorum: QuorumResult }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'decided'; state: DecisionState };

export const NOT_THE_CALLER = 'is neither the decision owner nor the delegate';

/**
 * Checks a call attempt before the form opens: anyone but the owner or the delegate is refused on the record here,
 * exactly as when a call is submitted. The quorum is judged against the recommended call, the form's default.
 */
export function checkCallAllowed(
  ctx: AppContext,
  request: { decisionId: string; userId: string; key: string },
  policy: QuorumPolicy,
  currentMembers: CurrentMembers,
): CallGate {
  const state = findDecision(ctx, request.decisionId);
  if (state.status === 'decided' && !state.living?.factsChanged) return { kind: 'decided', state };
  const as = callerRole(state, request.userId, currentMembers);
  const quorum = checkQuorum(state, policy, state.assessment!.summary.recommendedCall);
  // a newcomer to the owner's or delegate's group may not be in the cache yet: the form opens, the submission waits
  if (!as && mayHaveJoinedCallers(state, request.userId, currentMembers)) return { kind: 'allowed', state, quorum };
  if (!as) return refuseCall(ctx, state, request);
  return { kind: 'allowed', state, as, quorum };
}

/** Whether the person may make the call, and as whom (owner first). */
function callerRole(
  state: DecisionState,
  userId: string,
  currentMembers: CurrentMembers,
): 'owner' | 'delegate' | undefined {
  let held = rolesHeld(userId, state.members);
  if (!held.includes('owner') && !held.includes('delegate')) held = rolesHeld(userId, state.members, currentMembers());
  return held.includes('owner') ? 'owner' : held.includes('delegate') ? 'delegate' : undefined;
}

/** A refused attempt to make the call, kept on the record once per Slack key. */
function refuseCall(
  ctx: AppContext,
  state: DecisionState,
  request: { userId: string; key: string },
): { kind: 'refused'; state: DecisionState; reason: string } {
  if (state.keys.includes(request.key)) return { kind: 'refused', state, reason: NOT_THE_CALLER };
  const refused = appendDecisionEvent<RefusedPayload>(ctx, state, DecisionEvents.refused, request.userId, {
    userId: request.userId,
    attempted: 'call',
    reason: NOT_THE_CALLER,
    key: request.key,
  });
  return { kind: 'refused', state: refused, reason: NOT_THE_CALLER };
}

/** Synchronous from the read to the append, so the caller acks after the call is in the log. */
export function makeCall(
  ctx: AppContext,
  request: CallRequest,
  policy: QuorumPolicy,
  currentMembers: CurrentMembers,
): CallResult {
  let state = findDecision(ctx, request.decisionId);
  if (state.keys.includes(request.key)) return { kind: 'duplicate', state };
  if (state.status === 'decided' && !state.living?.factsChanged) return { kind: 'decided', state };
  const as = callerRole(state, request.userId, currentMembers);
  const pending = !as && mayHaveJoinedCallers(state, request.userId, currentMembers);
  if (!as && !pending) return refuseCall(ctx, state, request);
  const quorum = checkQuorum(state, policy, request.outcome);
  const overrideReason = request.overrideReason?.trim() || undefined;
  if (!quorum.met && !overrideReason) return { kind: 'needs-override', state, quorum };
  const call: Omit<CalledPayload, 'as'> = {
    userId: request.userId,
    outcome: request.outcome,
    rationale: request.rationale.trim(),
    quorumMet: quorum.met,
    quorumSummary: quorum.summary,
    recommendedCall: state.assessment!.summary.recommendedCall,
    snapshot: takeSnapshot(ctx, loadBulletin(ctx, state.bulletinId)),
    key: request.key,
    ...(!quorum.met && overrideReason ? { overrideReason } : {}),
  };
  if (!as) {
    // in the log as submitted, before the ack; settled by src/app/role-checks.ts once Slack has answered
    const payload: CallPendingPayload = { ...call, groups: callerGroups(state.roles) };
    state = appendDecisionEvent(ctx, state, DecisionEvents.callPending, request.userId, payload);
    return { kind: 'pending', state, quorum };
  }
  state = appendDecisionEvent<CalledPayload>(ctx, state, DecisionEvents.called, request.userId, { ...call, as });
  return { kind: 'called', state, quorum };
}

/**
 * Whether the owner or delegate role has user groups the person may have joined since the cache was refreshed,
 * and Slack has not said a moment ago that they are in none of them.
 */
function mayHaveJoinedCallers(state: DecisionState, userId: string, currentMembers: CurrentMembers): boolean {
  const groups = callerGroups(state.roles);
  return groups.length > 0 && !currentMembers.knownOutside?.(userId, groups);
}
