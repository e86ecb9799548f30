/**
 * What the card shows while patchcall checks with Slack that someone holds a role (src/app/role-checks.ts): the
 * click is in the log as pending, and the card says so until it is recorded or refused. Derived from the fold.
 */
import type { KnownBlock } from '@slack/types';
import type { DecisionState } from '../../decisions/decision-model';
import { OUTCOME_LABELS, STANCE_LABELS } from './labels';
import { richText, text, user, type Piece } from './rich-text';

/** A card lists this many pending checks by name; the rest are counted. */
const PENDING_ON_CARD = 10;

export function pendingChecksBlocks(state: DecisionState): KnownBlock[] {
  const calls = Object.values(state.pendingCalls ?? {}).sort((a, b) => a.seq - b.seq);
  const checks = Object.values(state.pendingChecks ?? {}).sort((a, b) => a.seq - b.seq);
  if (checks.length === 0 && calls.length === 0) return [];
  const lines: Piece[][] = calls.map((call) => [
    text('Pending: checking that '),
    user(call.userId),
    text(` is the decision owner or the delegate: the call “${OUTCOME_LABELS[call.outcome]}”, recorded once confirmed`),
  ]);
  lines.push(
    ...checks
      .slice(0, PENDING_ON_CARD)
      .map((check) => [
        text('Pending: checking '),
        user(check.userId),
        text(`'s role: ${STANCE_LABELS[check.stance]}, recorded once confirmed`),
      ]),
  );
  if (checks.length > PENDING_ON_CARD) lines.push([text(`…and ${checks.length - PENDING_ON_CARD} more being checked`)]);
  return [richText(lines)];
}
