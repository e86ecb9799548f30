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
  type SpeakingRole,
  type Stance,
} from '../decisions/decision-model';
import { speakingGroups, type PositionPendingPayload } from '../decisions/pending-role-checks';
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

export type PositionResult =
  | { kind: 'recorded'; state: DecisionState; roles: Role[] }
  | { kind: 'duplicate'; state: DecisionState }
  | { kind: 'unchanged'; state: DecisionState }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'decided'; state: DecisionState }
  /** Not a member as far as the cache knows, but maybe new to a role's user group: checked with Slack after the ack. */
  | { kind: 'pending'; state: DecisionState };

/**
 * Each role's members now, for a newcomer to a role since convening. Synchronous on purpose: it reads the cached
 * user groups (RoleMembership), so a click is recorded and acknowledged without waiting on Slack.
 */
export interface CurrentMembers {
  (): Record<Role, string[]>;
  /**
   * Whether Slack said a moment ago that the person is in none of these user groups (RoleMembership.knownOutside):
   * then their click is refused at once, before the ack, instead of waiting on another role check.
   */
  knownOutside?(userId: string, groupIds: string[]): boolean;
}

/** Whether the person may speak for a role on this decision, for the buttons that open the position form. */
export type PositionGate =
  | { kind: 'allowed'; state: DecisionState; roles: Role[] }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'decided'; state: DecisionState };

export const NOT_A_SPEAKER = 'holds none of the roles security, network or sysadmin for this decision';

/**
 * Checks a position attempt before the form opens: a person outside the speaking roles is refused on the record
 * here, exactly as when a position is submitted.
 */
export function checkPositionAllowed(
  ctx: AppContext,
  request: Omit<PositionRequest, 'stance' | 'comment'>,
  currentMembers: CurrentMembers,
): PositionGate {
  const state = findDecision(ctx, request.decisionId);
  if (state.status === 'decided') return { kind: 'decided', state };
  const roles = speakerRoles(state, request.userId, currentMembers);
  // a newcomer to a role's group may not be in the cache yet: the form opens, and its submission is checked
  if (roles.length > 0 || mayHaveJoined(state, request.userId, currentMembers))
    return { kind: 'allowed', state, roles };
  return refusePosition(ctx, state, request);
}

/** Synchronous from the read to the append, so nothing lands in between and the caller acks after the append. */
export function recordPosition(
  ctx: AppContext,
  request: PositionRequest,
  currentMembers: CurrentMembers,
): PositionResult {
  let state = findDecision(ctx, request.decisionId);
  if (state.keys.includes(request.key)) return { kind: 'duplicate', state };
  if (state.status === 'decided') return { kind: 'decided', state };
  const roles = speakerRoles(state, request.userId, currentMembers);
  if (roles.length === 0)
    return holdForRoleCheck(ctx, state, request, currentMembers) ?? refusePosition(ctx, state, request);
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

/**
 * Appends the click as received, pending a role check with Slack (src/app/role-checks.ts), when a speaking role
 * has user groups the person may have joined; undefined when none could hold them (no groups, or Slack said a
 * moment ago that the person is in none of them).
 */
function holdForRoleCheck(
  ctx: AppContext,
  state: DecisionState,
  request: PositionRequest,
  currentMembers: CurrentMembers,
): PositionResult | undefined {
  if (!mayHaveJoined(state, request.userId, currentMembers)) return undefined;
  const groups = speakingGroups(state.roles);
  const comment = request.comment?.trim() || undefined;
  const payload: PositionPendingPayload = {
    userId: request.userId,
    stance: request.stance,
    key: request.key,
    groups,
    ...(comment ? { comment } : {}),
  };
  return {
    kind: 'pending',
    state: appendDecisionEvent(ctx, state, DecisionEvents.positionPending, request.userId, payload),
  };
}

/** Whether a speaking role has user groups the person may have joined since Slack last said they were outside. */
function mayHaveJoined(state: DecisionState, userId: string, currentMembers: CurrentMembers): boolean {
  const groups = speakingGroups(state.roles);
  return groups.length > 0 && !currentMembers.knownOutside?.(userId, groups);
}

/** The speaking roles the person holds, at convene time or (for a newcomer) now. */
function speakerRoles(state: DecisionState, userId: string, currentMembers: CurrentMembers): SpeakingRole[] {
  const roles = speakingRoles(rolesHeld(userId, state.members));
  return roles.length > 0 ? roles : speakingRoles(rolesHeld(userId, state.members, currentMembers()));
}

/** The refusal on the record, once per Slack key. */
function refusePosition(
  ctx: AppContext,
  state: DecisionState,
  request: { userId: string; key: string },
): { kind: 'refused'; state: DecisionState; reason: string } {
  if (state.keys.includes(request.key)) return { kind: 'refused', state, reason: NOT_A_SPEAKER };
  const refused = appendDecisionEvent<RefusedPayload>(ctx, state, DecisionEvents.refused, request.userId, {
    userId: request.userId,
    attempted: 'position',
    reason: NOT_A_SPEAKER,
    key: request.key,
  });
  return { kind: 'refused', state: refused, reason: NOT_A_SPEAKER };
}

function sameRoles(a: Role[], b: Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
