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

export type PositionResult =
  | { kind: 'recorded'; state: DecisionState; roles: Role[] }
  | { kind: 'duplicate'; state: DecisionState }
  | { kind: 'unchanged'; state: DecisionState }
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'decided'; state: DecisionState };

/** Roles a person may speak for, from the convene-time members and (for a newcomer) the current ones. */
export type CurrentMembers = () => Promise<Record<Role, string[]>>;

export async function recordPosition(
  ctx: AppContext,
  request: PositionRequest,
  currentMembers: CurrentMembers,
): Promise<PositionResult> {
  let state = findDecision(ctx, request.decisionId);
  if (state.keys.includes(request.key)) return { kind: 'duplicate', state };
  if (state.status === 'decided') return { kind: 'decided', state };
  let roles = speakingRoles(rolesHeld(request.userId, state.members));
  if (roles.length === 0) roles = speakingRoles(rolesHeld(request.userId, state.members, await currentMembers()));
  // the roster lookup awaited Slack: a replay may have landed meanwhile
  state = findDecision(ctx, state.id);
  if (state.keys.includes(request.key)) return { kind: 'duplicate', state };
  if (roles.length === 0) {
    const reason = 'holds none of the roles security, network or sysadmin for this decision';
    state = appendDecisionEvent<RefusedPayload>(ctx, state, DecisionEvents.refused, request.userId, {
      userId: request.userId,
      attempted: 'position',
      reason,
      key: request.key,
    });
    return { kind: 'refused', state, reason };
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
