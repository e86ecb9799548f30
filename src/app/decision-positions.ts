/**
 * Recording a stakeholder's position. Only a member of a speaking role (at convene time or now) may speak for it;
 * anyone else is refused on the record. Replays (same Slack key) and repeated identical clicks record nothing new.
 */
import { rolesHeld, speakingRoles } from '../decisions/apply-roster-event';
import {
  DecisionEvents,
  type DecisionState,
  type PositionPayload,
  type RefusedPayload,
  type Role,
  type Stance,
} from '../decisions/decision-model';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision } from './decision-log';

export interface PositionRequest {
  decisionId: string;
  userId: string;
  stance: Stance;
  comment?: string;
  /** Slack's id of the click or submission, with the user: `action:<action_ts>:<user>`, `view:<view id>:<user>`. */
  key: string;
}

/** Whether a person may take a position (convene-time members, then the current ones). */
export function maySpeak(state: DecisionState, userId: string, currentMembers: CurrentMembers): boolean {
  return (
    speakingRoles(rolesHeld(userId, state.members)).length > 0 ||
    speakingRoles(rolesHeld(userId, state.members, currentMembers())).length > 0
  );
}

/** A refused attempt to take a position, kept on the record (once per Slack key). */
export function refusePosition(ctx: AppContext, state: DecisionState, userId: string, key: string): DecisionState {
  if (state.keys.includes(key)) return state;
  return appendDecisionEvent<RefusedPayload>(ctx, state, DecisionEvents.refused, userId, {
    userId,
    attempted: 'position',
    reason: POSITION_REFUSAL,
    key,
  });
}

const POSITION_REFUSAL = 'holds none of the roles security, network or sysadmin for this decision';

export type PositionResult =
  | { kind: 'recorded'; state: DecisionState; roles: Role[] }
  | { kind: 'duplicate'; state: DecisionState }
  | { kind: 'unchanged'; state: DecisionState }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'decided'; state: DecisionState };

/**
 * Each role's members now, for a newcomer to a role since convening. Synchronous on purpose: it reads the cached
 * user groups (RoleMembership), so a click is recorded and acknowledged without waiting on Slack.
 */
export type CurrentMembers = () => Record<Role, string[]>;

/** Synchronous from the read to the append, so nothing can land in between and the caller acks after it. */
export function recordPosition(
  ctx: AppContext,
  request: PositionRequest,
  currentMembers: CurrentMembers,
): PositionResult {
  let state = findDecision(ctx, request.decisionId);
  if (state.keys.includes(request.key)) return { kind: 'duplicate', state };
  if (state.status === 'decided') return { kind: 'decided', state };
  let roles = speakingRoles(rolesHeld(request.userId, state.members));
  if (roles.length === 0) roles = speakingRoles(rolesHeld(request.userId, state.members, currentMembers()));
  if (roles.length === 0) {
    state = refusePosition(ctx, state, request.userId, request.key);
    return { kind: 'refused', state, reason: POSITION_REFUSAL };
  }
  const current = state.positions[request.userId];
  const comment = request.comment?.trim() || undefined;
  if (current && current.stance === request.stance && current.comment === comment && sameRoles(current.roles, roles))
    return { kind: 'unchanged', state };
  const payload: PositionPayload = {
    userId: request.userId,
    roles,
    stance: request.stance,
    key: request.key,
    ...(comment ? { comment } : {}),
  };
  state = appendDecisionEvent(ctx, state, DecisionEvents.positionRecorded, request.userId, payload);
  return { kind: 'recorded', state, roles };
}

function sameRoles(a: Role[], b: Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
