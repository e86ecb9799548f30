/**
 * Escalates the plan steps (provider requests included) past their deadline and not done, once per step and
 * deadline (`decision.escalated`, with a notice for the decision's channel naming the owner and the delegate). The
 * scheduler calls it on its timer, so an overdue step is escalated when its time passes, not only at the next import;
 * the key is checked again inside the write transaction, so a restart or a second process writes it once.
 */
import { formatTime } from '../common/time-format';
import { LivingEvents, type EscalatedPayload } from '../decisions/living-decision';
import { stepEscalations, type StepEscalation } from '../decisions/step-escalations';
import type { DecisionState } from '../decisions/decision-model';
import { writeTransaction } from '../store/write-transaction';
import type { AppContext } from './app-context';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { displayTimeZone } from './display-zone';

export interface StepEscalationRun {
  /** The escalations written now. */
  written: { decisionId: string; key: string }[];
  /** The next step deadline of any decision, ISO 8601 UTC. */
  nextAt?: string;
}

/** Escalates what is overdue now among `decisions` (default: every decision in the log). */
export function escalateOverdueSteps(
  ctx: AppContext,
  decisions: DecisionState[] = listDecisions(ctx),
): StepEscalationRun {
  const written: StepEscalationRun['written'] = [];
  let nextMs = Number.POSITIVE_INFINITY;
  for (const listed of decisions) {
    const schedule = stepEscalations(listed, ctx.clock());
    if (schedule.next) nextMs = Math.min(nextMs, Date.parse(schedule.next.at));
    if (schedule.due.length) written.push(...writeEscalations(ctx, listed.id));
  }
  return { written, ...(Number.isFinite(nextMs) ? { nextAt: new Date(nextMs).toISOString() } : {}) };
}

/** Appends what is still due on the freshest state, inside the write lock; the keys written. */
function writeEscalations(ctx: AppContext, decisionId: string): StepEscalationRun['written'] {
  const zone = displayTimeZone(ctx);
  return writeTransaction(ctx.db, () => {
    let state = loadDecision(ctx, decisionId);
    const due = stepEscalations(state, ctx.clock()).due;
    for (const escalation of due)
      state = appendDecisionEvent<EscalatedPayload>(
        ctx,
        state,
        LivingEvents.escalated,
        'system',
        payload(state, escalation, zone),
      );
    return due.map((escalation) => ({ decisionId, key: escalation.key }));
  });
}

function payload(state: DecisionState, { key, step, provider }: StepEscalation, zone: string): EscalatedPayload {
  const to = [...new Set([...state.members.owner, ...state.members.delegate])];
  const what = provider ? `the provider request "${step.title}"` : `the step "${step.title}"`;
  const reached = to.length
    ? 'Escalated to the decision owner and the delegate.'
    : 'Escalation to the decision owner and the delegate reached nobody: the decision has neither.';
  return {
    key,
    reason: provider ? 'provider-overdue' : 'step-overdue',
    subject: step.title,
    dueAt: step.dueAt,
    to,
    notice: {
      key,
      kind: 'escalation',
      text: `Overdue on ${state.id}: ${what} was due ${formatTime(step.dueAt, zone)} and is not done (${step.assets.join(', ')}). ${reached}`,
      mention: to,
    },
  };
}
