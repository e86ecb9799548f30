/**
 * The owner's answer to changed facts: the call stands (`decision.call-confirmed`) or is revised (a new call through
 * the call form, see decision-call.ts). Only the owner or the delegate answers; a confirmation of facts that were
 * already answered records nothing.
 */
import { rolesHeld } from '../decisions/apply-roster-event';
import type { DecisionState } from '../decisions/decision-model';
import { LivingEvents, type CallConfirmedPayload } from '../decisions/living-decision';
import { writeTransaction } from '../store/write-transaction';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision } from './decision-log';
import type { CurrentMembers } from './decision-positions';

export type ConfirmResult =
  | { kind: 'confirmed' | 'nothing-to-confirm'; state: DecisionState }
  | { kind: 'refused'; state: DecisionState; reason: string };

export function confirmCall(
  ctx: AppContext,
  request: { decisionId: string; userId: string; key: string },
  currentMembers: CurrentMembers,
): ConfirmResult {
  return writeTransaction(ctx.db, (): ConfirmResult => {
    const state = findDecision(ctx, request.decisionId);
    const pending = state.living?.factsChanged;
    if (!pending || !state.call || state.keys.includes(request.key)) return { kind: 'nothing-to-confirm', state };
    let held = rolesHeld(request.userId, state.members);
    if (!held.includes('owner') && !held.includes('delegate'))
      held = rolesHeld(request.userId, state.members, currentMembers());
    if (!held.includes('owner') && !held.includes('delegate'))
      return { kind: 'refused', state, reason: 'only the decision owner or the delegate confirms the call' };
    const confirmed = appendDecisionEvent<CallConfirmedPayload>(
      ctx,
      state,
      LivingEvents.callConfirmed,
      request.userId,
      {
        userId: request.userId,
        confirms: pending.key,
        key: request.key,
        notice: {
          key: `confirmed:${pending.key}`,
          kind: 'confirmed',
          text: `The call on ${state.id} stands: confirmed after the facts changed on ${pending.at}.`,
          mention: [request.userId],
        },
      },
    );
    return { kind: 'confirmed', state: confirmed };
  });
}
