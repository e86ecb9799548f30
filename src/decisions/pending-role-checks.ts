/**
 * Positions from people the user-group cache does not place in a speaking role. Slack does not redeliver an
 * acknowledged click and no click may wait on Slack, so the click is appended as received, "pending a role check",
 * before its ack; after the ack the groups are looked up in Slack and the position is recorded (same key) or refused.
 * Pure: what is pending is part of the decision's fold.
 */
import {
  SPEAKING_ROLES,
  type DecisionEvent,
  type DecisionState,
  type PendingCheck,
  type PositionPendingPayload,
  type RoleMap,
} from './decision-model';

export type { PendingCheck, PositionPendingPayload } from './decision-model';

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

/** A position recorded or refused under a pending key settles the check. */
export function settlePendingCheck(state: DecisionState, event: DecisionEvent): DecisionState {
  const key = (event.payload as { key?: string } | undefined)?.key;
  if (key === undefined || !state.pendingChecks?.[key]) return state;
  const { [key]: _settled, ...rest } = state.pendingChecks;
  // the card no longer shows it as being checked
  return { ...state, pendingChecks: rest, cardVersion: event.seq };
}

/** The checks still waiting on Slack, oldest first. */
export function pendingChecksOf(state: DecisionState): PendingCheck[] {
  return Object.values(state.pendingChecks ?? {}).sort((a, b) => a.seq - b.seq);
}
