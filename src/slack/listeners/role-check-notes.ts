/** A position that waited for a role check is settled: the card follows the log, and the person is told. */
import type { RoleCheckOutcome } from '../../app/role-checks';
import type { DecisionState } from '../../decisions/decision-model';
import type { PendingCheck } from '../../decisions/pending-role-checks';
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
