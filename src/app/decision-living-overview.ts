/**
 * What `patchcall decisions` and `decision show` add for a decision under way: the plan's progress from later
 * imports, whether the facts changed since the call, the provider requests and their answers, the escalations,
 * and the next scheduled action (the reminder schedule before the call, the next step deadline after it).
 */
import type { DecisionState } from '../decisions/decision-model';
import { livingOf, latestAnswer } from '../decisions/living-decision';
import { nextDueActions } from '../decisions/next-due-action';
import { stepEscalations } from '../decisions/step-escalations';
import type { AppContext } from './app-context';

export interface LivingOverview {
  /** "patched 2 of 3; 1 still affected; exposure now open", with each step's standing; null before any report. */
  progress: {
    line: string;
    at: string;
    steps: { title: string; status: string; resolved: number; of: number; dueAt: string | null }[];
  } | null;
  /** The change of facts the owner has not yet confirmed or answered with a new call. */
  factsChangedSinceCall: { at: string; summary: string } | null;
  closedAt: string | null;
  providers: { provider: string; dueAt: string | null; status: string; note: string | null }[];
  escalations: { subject: string; at: string }[];
  /** The next thing the scheduler will do, and when (`due` is true when it is due now). */
  nextAction: { kind: string; at: string; due: boolean; what: string } | null;
}

export function livingOverview(ctx: AppContext, state: DecisionState): LivingOverview {
  const living = livingOf(state);
  return {
    progress: living.progress
      ? {
          line: living.progress.line,
          at: living.progress.at,
          steps: living.progress.steps.map((s) => ({
            title: s.title,
            status: s.status,
            resolved: s.resolved,
            of: s.of,
            dueAt: s.dueAt ?? null,
          })),
        }
      : null,
    factsChangedSinceCall: living.factsChanged
      ? { at: living.factsChanged.at, summary: living.factsChanged.summary }
      : null,
    closedAt: living.closed?.at ?? null,
    providers: living.providers.map((r) => {
      const answer = latestAnswer(r);
      return {
        provider: r.provider,
        dueAt: r.dueAt ?? null,
        status: answer?.status ?? 'requested',
        note: answer?.note ?? null,
      };
    }),
    escalations: living.escalations.map((e) => ({ subject: e.subject, at: e.at })),
    nextAction: nextAction(ctx, state),
  };
}

function nextAction(ctx: AppContext, state: DecisionState): LivingOverview['nextAction'] {
  if (!state.assessment || state.living?.closed) return null;
  const now = ctx.clock();
  if (state.status === 'open') {
    const schedule = nextDueActions(state, ctx.rules.get('reminders'), now);
    const action = schedule.due[0] ?? schedule.next;
    if (!action) return null;
    const what =
      action.kind === 'default-path'
        ? `default path at the deadline (${action.path.kind})`
        : `${action.kind} ${action.point}${action.kind === 'overdue-reminder' ? ' after the deadline' : ' before the deadline'}`;
    return { kind: action.kind, at: action.at, due: schedule.due.includes(action), what };
  }
  // after the call: the next plan step the scheduler escalates when its deadline passes (./escalate-overdue-steps.ts)
  const schedule = stepEscalations(state, now);
  const overdue = schedule.due[0];
  if (overdue)
    return { kind: 'step-deadline', at: iso(overdue.step.dueAt), due: true, what: `escalate "${overdue.step.title}"` };
  if (!schedule.next) return null;
  return { kind: 'step-deadline', at: schedule.next.at, due: false, what: `check "${schedule.next.step.title}"` };
}

function iso(time: string): string {
  return new Date(Date.parse(time)).toISOString();
}
