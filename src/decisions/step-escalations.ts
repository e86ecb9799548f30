/**
 * After the call, each plan step that is work to be done by a deadline (a provider request included) and is not
 * done when its deadline passes is escalated once: computed from the decision's folded events and `now` alone, like
 * the reminders before the call (./next-due-action.ts), so the scheduler's timer, a restart or a second process
 * finds the same steps and the idempotency key keeps each escalation single.
 */
import type { PlanStep, PlanStepKind } from '../risk/model';
import type { DecisionState } from './decision-model';
import { latestAnswer, livingOf } from './living-decision';

/** Steps that are work to be done by a deadline (a review date or "find out" is not escalated). */
export const ESCALATED_KINDS: readonly PlanStepKind[] = ['patch-now', 'patch-wave', 'mitigate', 'ask-provider'];

export interface StepEscalation {
  /** `escalate:<decision>:step:<title>:<dueAt>` or `escalate:<decision>:provider:<title>:<dueAt>`. */
  key: string;
  step: PlanStep & { dueAt: string };
  provider: boolean;
}

export interface StepEscalationSchedule {
  /** Steps past their deadline, not done and not yet escalated. */
  due: StepEscalation[];
  /** The step whose deadline comes next among those not done (`at`, ISO 8601 UTC): the scheduler wakes then. */
  next?: { at: string; step: PlanStep };
}

export function stepEscalations(state: DecisionState, now: Date): StepEscalationSchedule {
  if (state.status !== 'decided' || !state.assessment || state.living?.closed) return { due: [] };
  const done = stepDone(state);
  const nowMs = now.getTime();
  const due: StepEscalation[] = [];
  let next: { ms: number; step: PlanStep } | undefined;
  for (const step of state.assessment.plan) {
    if (!ESCALATED_KINDS.includes(step.kind) || step.dueAt === undefined) continue;
    if (done(step.title)) continue;
    const dueMs = Date.parse(step.dueAt);
    if (Number.isNaN(dueMs)) continue;
    if (dueMs > nowMs) {
      if (!next || dueMs < next.ms) next = { ms: dueMs, step };
      continue;
    }
    const provider = step.kind === 'ask-provider';
    const key = `escalate:${state.id}:${provider ? 'provider' : 'step'}:${step.title}:${step.dueAt}`;
    if (!state.keys.includes(key)) due.push({ key, step: { ...step, dueAt: step.dueAt }, provider });
  }
  return { due, ...(next ? { next: { at: new Date(next.ms).toISOString(), step: next.step } } : {}) };
}

/** Whether the log records a plan step done: the latest progress says so, or its provider answered "patched". */
export function stepDone(state: DecisionState): (title: string) => boolean {
  const living = livingOf(state);
  const done = new Set((living.progress?.steps ?? []).filter((s) => s.status === 'done').map((s) => s.title));
  return (title) => {
    if (done.has(title)) return true;
    const request = living.providers.find((r) => r.step === title);
    return request !== undefined && latestAnswer(request)?.status === 'patched';
  };
}
