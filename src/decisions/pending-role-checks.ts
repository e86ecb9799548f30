/**
 * Positions from people the user-group cache does not place in a speaking role. Slack does not redeliver an
 * acknowledged click and no click may wait on Slack, so the click is appended as received, "pending a role check",
 * before its ack; after the ack the groups are looked up in Slack and the position is recorded (same key) or refused.
 * Pure: what is pending is part of the decision's fold.
 */
import {
  SPEAKING_ROLES,
  type CallPendingPayload,
  type DecisionEvent,
  type PendingCall,
  type DecisionState,
  type PendingCheck,
  type PositionPendingPayload,
  type RoleMap,
} from './decision-model';

export type { CallPendingPayload, PendingCall, PendingCheck, PositionPendingPayload } from './decision-model';

/** The user groups that may make the call (owner, delegate): a newcomer to one of them may not be in the cache yet. */
export function callerGroups(roles: RoleMap | undefined): string[] {
  return roles ? [...new Set([...roles.owner.groups, ...roles.delegate.groups])] : [];
}

/** The user groups that speak for a role: a newcomer to one of them may not be in the cache yet. */
export function speakingGroups(roles: RoleMap | undefined): string[] {
  return roles ? [...new Set(SPEAKING_ROLES.flatMap((role) => roles[role].groups))] : [];
}

/** The fold of a `decision.position-pending` event. */
export function withPendingCheck(state: DecisionState, event: DecisionEvent): DecisionState {
  const p = event.payload as PositionPendingPayload;
  if (state.keys.includes(p.key)) return state;
  return {
    ...state,
    pendingChecks: { ...state.pendingChecks, [p.key]: { ...p, at: event.at, seq: event.seq } },
    keys: [...state.keys, p.key],
    // the card shows what is being checked
    cardVersion: event.seq,
  };
}

/** The fold of a `decision.call-pending` event. */
export function withPendingCall(state: DecisionState, event: DecisionEvent): DecisionState {
  const p = event.payload as CallPendingPayload;
  if (state.keys.includes(p.key)) return state;
  return {
    ...state,
    pendingCalls: { ...state.pendingCalls, [p.key]: { ...p, at: event.at, seq: event.seq } },
    keys: [...state.keys, p.key],
    cardVersion: event.seq,
  };
}

/** A position or call recorded, or a refusal, under a pending key settles the check. */
export function settlePendingCheck(state: DecisionState, event: DecisionEvent): DecisionState {
  const key = (event.payload as { key?: string } | undefined)?.key;
  if (key === undefined) return state;
  if (state.pendingChecks?.[key]) {
    const { [key]: _settled, ...rest } = state.pendingChecks;
    // the card no longer shows it as being checked
    return { ...state, pendingChecks: rest, cardVersion: event.seq };
  }
  if (state.pendingCalls?.[key]) {
    const { [key]: _settled, ...rest } = state.pendingCalls;
    return { ...state, pendingCalls: rest, cardVersion: event.seq };
  }
  return state;
}

/** The calls still waiting on Slack, oldest first. */
export function pendingCallsOf(state: DecisionState): PendingCall[] {
  return Object.values(state.pendingCalls ?? {}).sort((a, b) => a.seq - b.seq);
}

/** The checks still waiting on Slack, oldest first. */
export function pendingChecksOf(state: DecisionState): PendingCheck[] {
  return Object.values(state.pendingChecks ?? {}).sort((a, b) => a.seq - b.seq);
}
