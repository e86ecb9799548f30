/**
 * What the scheduler must do for one decision, computed from its folded events, the reminder policy and `now`
 * alone: no timers to lose on a restart and nothing in memory a second process lacks. Each action carries an
 * idempotency key; once an event with that key is in the log (decision.reminder-sent, decision.default-path-taken)
 * the action is never due again, so a restart or a second process sends nothing twice.
 *
 * After a clock jump (a sleeping laptop, a process down for hours, a simulated clock) only what is still meaningful
 * is due: of the reminder points already passed, only the latest one ("1 hour left", not also "4 hours left");
 * none at all once the deadline has passed, because the default path replaces them; the default path itself always,
 * exactly once; and of the overdue reminders after it, only the latest one, never one from before the default path
 * was taken. Points that fell before the decision was convened are skipped: the card announced the deadline. A clock
 * that jumps back never brings back a point earlier than one already sent, nor a reminder after the default path.
 */
import type { PlanStep, Urgency } from '../risk/model';
import type { DecisionState } from './decision-model';
import type { DefaultPath, ReminderPoint, ReminderPolicy } from './reminder-policy';

interface ActionBase {
  decisionId: string;
  /** Stable across restarts and processes: `reminder:<decisionId>:<deadline>:<point>` and the like. */
  key: string;
  /** When the action is (or was) due, ISO 8601 UTC. */
  at: string;
  /** The deadline counted to, ISO 8601 UTC. */
  deadline: string;
  urgency: Urgency;
}

/** A reminder in the decision's channel, `point` ("PT4H") before the deadline. */
export interface ChannelReminder extends ActionBase {
  kind: 'reminder';
  point: string;
  channel?: { id: string; name: string };
}

/** A direct message to the owner and the delegate, `point` before the deadline. */
export interface DirectMessageReminder extends ActionBase {
  kind: 'direct-message';
  point: string;
  to: string[];
}

/** The deadline passed with no call: the urgency's default path, with the plan's mitigation steps to post. */
export interface DefaultPathAction extends ActionBase {
  kind: 'default-path';
  path: DefaultPath;
  /** The plan's `mitigate` steps when the path posts the mitigation (may be empty: the plan has none). */
  mitigation: PlanStep[];
  channel?: { id: string; name: string };
}

/** After a `remindEvery` default path: the channel is reminded every interval; `point` counts the intervals. */
export interface OverdueReminder extends ActionBase {
  kind: 'overdue-reminder';
  point: string;
  every: string;
  channel?: { id: string; name: string };
}

export type DueAction = ChannelReminder | DirectMessageReminder | DefaultPathAction | OverdueReminder;

export interface DecisionSchedule {
  /** Due now and not yet recorded, oldest first. */
  due: DueAction[];
  /** The first action after `now`, for the scheduler's next wake-up; absent when nothing more will come. */
  next?: DueAction;
}

export function nextDueActions(state: DecisionState, policy: ReminderPolicy, now: Date): DecisionSchedule {
  if (state.status !== 'open' || !state.assessment) return { due: [] };
  const deadlineMs = Date.parse(state.assessment.summary.deadline.dueAt);
  if (Number.isNaN(deadlineMs)) return { due: [] };
  const urgency = state.assessment.summary.urgency;
  const rules = policy.byUrgency[urgency];
  const nowMs = now.getTime();
  const convenedMs = state.convenedAt ? Date.parse(state.convenedAt) : Number.NEGATIVE_INFINITY;
  const deadline = new Date(deadlineMs).toISOString();
  const base = (kind: string, point: string | undefined, atMs: number): ActionBase => ({
    decisionId: state.id,
    key: [kind, state.id, deadline, ...(point !== undefined ? [point] : [])].join(':'),
    at: new Date(atMs).toISOString(),
    deadline,
    urgency,
  });
  const channel = state.channel ? { channel: state.channel } : {};
  const recorded = (action: DueAction): boolean => state.keys.includes(action.key);

  const beforeDeadline = (points: ReminderPoint[], make: (p: ReminderPoint) => DueAction): DueAction[] =>
    points.map(make).filter((a) => Date.parse(a.at) >= convenedMs);
  const reminders = beforeDeadline(rules.remindBefore, (p) => ({
    ...base('reminder', p.point, deadlineMs - p.ms),
    kind: 'reminder',
    point: p.point,
    ...channel,
  }));
  const directMessages = beforeDeadline(rules.directMessageBefore, (p) => ({
    ...base('dm', p.point, deadlineMs - p.ms),
    kind: 'direct-message',
    point: p.point,
    to: [...new Set([...state.members.owner, ...state.members.delegate])],
  }));
  const path = rules.atDeadline;
  const defaultPath: DueAction = {
    ...base('default-path', undefined, deadlineMs),
    kind: 'default-path',
    path,
    mitigation:
      path.kind === 'escalate' && path.withMitigation
        ? state.assessment.plan.filter((step) => step.kind === 'mitigate')
        : [],
    ...channel,
  };
  const overdue = (count: number): OverdueReminder | undefined =>
    path.kind === 'remind' && count >= 1
      ? {
          ...base('overdue', String(count), deadlineMs + count * path.everyMs),
          kind: 'overdue-reminder',
          point: String(count),
          every: path.every,
          ...channel,
        }
      : undefined;

  // a clock that jumps back must not resend what a later point already said
  const defaultTaken = recorded(defaultPath);
  const supersededIn = (series: DueAction[]) => (action: DueAction) =>
    defaultTaken || series.some((b) => Date.parse(b.at) > Date.parse(action.at) && recorded(b));
  const due: DueAction[] = [];
  const upcoming: DueAction[] = [];
  if (nowMs < deadlineMs) {
    for (const series of [reminders, directMessages]) {
      const superseded = supersededIn(series);
      const passed = series.filter((a) => Date.parse(a.at) <= nowMs);
      const latest = passed[passed.length - 1];
      if (latest && !recorded(latest) && !superseded(latest)) due.push(latest);
      const later = series.find((a) => Date.parse(a.at) > nowMs && !recorded(a) && !superseded(a));
      if (later) upcoming.push(later);
    }
    if (!defaultTaken) upcoming.push(defaultPath);
  } else if (!defaultTaken) {
    due.push(defaultPath);
  }
  if (path.kind === 'remind') {
    const prefix = `${base('overdue', '', 0).key}`;
    const lastSent = Math.max(
      0,
      ...state.keys.filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)) || 0),
    );
    const intervalsPassed = nowMs >= deadlineMs ? Math.floor((nowMs - deadlineMs) / path.everyMs) : 0;
    const latest = overdue(intervalsPassed);
    const taken = state.defaultPathTaken;
    const takenMs = taken && Date.parse(taken.deadline) === deadlineMs ? Date.parse(taken.at) : undefined;
    if (latest && takenMs !== undefined && Date.parse(latest.at) > takenMs && intervalsPassed > lastSent)
      due.push(latest);
    upcoming.push(overdue(Math.max(intervalsPassed, lastSent) + 1)!);
  }
  const byTime = (a: DueAction, b: DueAction): number => Date.parse(a.at) - Date.parse(b.at);
  const next = upcoming.filter((a) => Date.parse(a.at) > nowMs).sort(byTime)[0];
  return { due: due.sort(byTime), ...(next ? { next } : {}) };
}
