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
  const actions = new ActionMaker(state, deadlineMs);
  const rules = policy.byUrgency[actions.urgency];
  const nowMs = now.getTime();
  const defaultPath = defaultPathAction(actions, rules.atDeadline);
  const defaultTaken = actions.recorded(defaultPath);
  const due: DueAction[] = [];
  const upcoming: DueAction[] = [];
  if (nowMs < deadlineMs) {
    for (const series of [
      channelReminders(actions, rules.remindBefore),
      directMessages(actions, rules.directMessageBefore),
    ]) {
      const passed = latestPassedAndNext(actions, series, nowMs, defaultTaken);
      if (passed.due) due.push(passed.due);
      if (passed.next) upcoming.push(passed.next);
    }
    if (!defaultTaken) upcoming.push(defaultPath);
  } else if (!defaultTaken) {
    due.push(defaultPath);
  }
  const path = rules.atDeadline;
  if (path.kind === 'remind') {
    const overdue = overdueReminders(actions, path, nowMs);
    if (overdue.due) due.push(overdue.due);
    upcoming.push(overdue.next);
  }
  const byTime = (a: DueAction, b: DueAction): number => Date.parse(a.at) - Date.parse(b.at);
  const next = upcoming.filter((a) => Date.parse(a.at) > nowMs).sort(byTime)[0];
  return { due: due.sort(byTime), ...(next ? { next } : {}) };
}

/** Builds one decision's actions counted to its deadline, with their keys, and knows which are in the log. */
class ActionMaker {
  readonly urgency: Urgency;
  readonly deadline: string;
  readonly convenedMs: number;
  readonly channel: { channel?: { id: string; name: string } };

  constructor(
    readonly state: DecisionState,
    readonly deadlineMs: number,
  ) {
    this.urgency = state.assessment!.summary.urgency;
    this.deadline = new Date(deadlineMs).toISOString();
    this.convenedMs = state.convenedAt ? Date.parse(state.convenedAt) : Number.NEGATIVE_INFINITY;
    this.channel = state.channel ? { channel: state.channel } : {};
  }

  base(kind: string, point: string | undefined, atMs: number): ActionBase {
    return {
      decisionId: this.state.id,
      key: [kind, this.state.id, this.deadline, ...(point !== undefined ? [point] : [])].join(':'),
      at: new Date(atMs).toISOString(),
      deadline: this.deadline,
      urgency: this.urgency,
    };
  }

  recorded(action: DueAction): boolean {
    return this.state.keys.includes(action.key);
  }

  /** Points before the deadline, skipping those that fell before the decision was convened. */
  beforeDeadline(points: ReminderPoint[], make: (p: ReminderPoint) => DueAction): DueAction[] {
    return points.map(make).filter((a) => Date.parse(a.at) >= this.convenedMs);
  }
}

function channelReminders(actions: ActionMaker, points: ReminderPoint[]): DueAction[] {
  return actions.beforeDeadline(points, (p) => ({
    ...actions.base('reminder', p.point, actions.deadlineMs - p.ms),
    kind: 'reminder',
    point: p.point,
    ...actions.channel,
  }));
}

function directMessages(actions: ActionMaker, points: ReminderPoint[]): DueAction[] {
  const { members } = actions.state;
  return actions.beforeDeadline(points, (p) => ({
    ...actions.base('dm', p.point, actions.deadlineMs - p.ms),
    kind: 'direct-message',
    point: p.point,
    to: [...new Set([...members.owner, ...members.delegate])],
  }));
}

function defaultPathAction(actions: ActionMaker, path: DefaultPath): DefaultPathAction {
  return {
    ...actions.base('default-path', undefined, actions.deadlineMs),
    kind: 'default-path',
    path,
    mitigation:
      path.kind === 'escalate' && path.withMitigation
        ? actions.state.assessment!.plan.filter((step) => step.kind === 'mitigate')
        : [],
    ...actions.channel,
  };
}

/**
 * Of one series of points before the deadline: the latest one passed (due unless recorded), and the first one still
 * to come. A clock that jumps back must not resend what a later point already said.
 */
function latestPassedAndNext(
  actions: ActionMaker,
  series: DueAction[],
  nowMs: number,
  defaultTaken: boolean,
): { due?: DueAction; next?: DueAction } {
  const superseded = (action: DueAction): boolean =>
    defaultTaken || series.some((b) => Date.parse(b.at) > Date.parse(action.at) && actions.recorded(b));
  const passed = series.filter((a) => Date.parse(a.at) <= nowMs);
  const latest = passed[passed.length - 1];
  const next = series.find((a) => Date.parse(a.at) > nowMs && !actions.recorded(a) && !superseded(a));
  return {
    ...(latest && !actions.recorded(latest) && !superseded(latest) ? { due: latest } : {}),
    ...(next ? { next } : {}),
  };
}

/**
 * After a `remindEvery` default path: the latest interval passed, due once the default path was taken for this
 * deadline and not before it, and the interval after the last one sent.
 */
function overdueReminders(
  actions: ActionMaker,
  path: Extract<DefaultPath, { kind: 'remind' }>,
  nowMs: number,
): { due?: OverdueReminder; next: OverdueReminder } {
  const { deadlineMs, state } = actions;
  const overdue = (count: number): OverdueReminder => ({
    ...actions.base('overdue', String(count), deadlineMs + count * path.everyMs),
    kind: 'overdue-reminder',
    point: String(count),
    every: path.every,
    ...actions.channel,
  });
  const prefix = actions.base('overdue', '', 0).key;
  const lastSent = Math.max(
    0,
    ...state.keys.filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)) || 0),
  );
  const intervalsPassed = nowMs >= deadlineMs ? Math.floor((nowMs - deadlineMs) / path.everyMs) : 0;
  const taken = state.defaultPathTaken;
  const takenMs = taken && Date.parse(taken.deadline) === deadlineMs ? Date.parse(taken.at) : undefined;
  const latest = intervalsPassed >= 1 ? overdue(intervalsPassed) : undefined;
  const due =
    latest && takenMs !== undefined && Date.parse(latest.at) > takenMs && intervalsPassed > lastSent
      ? latest
      : undefined;
  return { ...(due ? { due } : {}), next: overdue(Math.max(intervalsPassed, lastSent) + 1) };
}
