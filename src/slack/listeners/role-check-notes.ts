/** A position or call that waited for a role check is settled: the card follows the log, and the person is told. */
import type { CallCheckOutcome, RoleCheckOutcome } from '../../app/role-checks';
import type { DecisionState } from '../../decisions/decision-model';
import type { PendingCall, PendingCheck } from '../../decisions/pending-role-checks';
import { postAnchor } from '../audit-anchors';
import { DecisionNotes } from '../blocks/decision-notes';
import type { SlackDeps } from '../slack-deps';
import { tell } from './tell-user';

export async function settledRoleCheck(
  deps: SlackDeps,
  state: DecisionState,
  check: PendingCheck,
  outcome: RoleCheckOutcome,
): Promise<void> {
  deps.outbox.nudge(state.id);
  const text =
    outcome.kind === 'recorded'
      ? DecisionNotes.positionRecorded(check.stance, outcome.roles)
      : outcome.kind === 'refused'
        ? DecisionNotes.positionRefused(state)
        : DecisionNotes.positionsClosed(state);
  await tell(deps, { user: check.userId, ...(state.channel ? { channel: state.channel.id } : {}) }, text);
}

export async function settledCallCheck(
  deps: SlackDeps,
  state: DecisionState,
  call: PendingCall,
  outcome: CallCheckOutcome,
): Promise<void> {
  // the outbox posts and pins the call and turns the card final, as for a call recorded before its ack
  deps.outbox.nudge(state.id);
  if (outcome.kind === 'called') {
    try {
      postAnchor(deps, 'call');
    } catch (error) {
      deps.logger.warn({ decision: state.id, err: (error as Error).message }, 'asking for the anchor failed');
    }
  }
  const text =
    outcome.kind === 'called'
      ? DecisionNotes.callRecorded(state, outcome.as)
      : outcome.kind === 'refused'
        ? DecisionNotes.callRefused(state)
        : DecisionNotes.callAlreadyMade(state);
  await tell(deps, { user: call.userId, ...(state.channel ? { channel: state.channel.id } : {}) }, text);
}
