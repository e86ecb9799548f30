/**
 * Deadlines that act: for every open decision, what is due now (`nextDueActions` over its events and
 * rules/reminders.json) is written to the log as decision.reminder-sent or decision.default-path-taken with the
 * action's idempotency key and its targets; after the call, a plan step past its deadline is escalated
 * (./escalate-overdue-steps.ts); the outbox then delivers it (src/decisions/notices.ts). Nothing is
 * kept in memory that the log does not say, so a restart or a clock jump computes the same work, and the key is
 * checked again inside the write transaction, so a second process on the same database writes nothing twice.
 *
 * It sleeps until the next due time (on the application's clock, scaled by a simulated clock's speed), never
 * longer than `maxSleepMs`, so an append by another process or a wall-clock jump is seen within that bound; a
 * nudge (any append in this process) makes it look again at once.
 */
import { escalationReach, type EscalationReach } from '../decisions/escalation-reach';
import {
  DecisionEvents,
  type DecisionState,
  type DefaultPathTakenPayload,
  type ReminderSentPayload,
} from '../decisions/decision-model';
import { nextDueActions, type DueAction } from '../decisions/next-due-action';
import { nextDigestAt, type ReminderPolicy } from '../decisions/reminder-policy';
import { pendingDigests, scheduleDigest } from './digest-delivery';
import { escalateOverdueSteps } from './escalate-overdue-steps';
import { writeTransaction } from '../store/write-transaction';
import { committed } from './replica-write';
import type { AppContext } from './app-context';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { readRoster } from './roles-roster';
import { UserGroupDirectory } from './user-group-directory';

export interface SchedulerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
}

export interface SchedulerOptions {
  /** Called after a notice was written, so the outbox delivers it now. */
  onAppended: (decisionId: string) => void;
  /** Called while a daily digest is written but not yet posted, so the digest delivery posts it. */
  onDigestPending?: () => void;
  /** Simulated milliseconds per real millisecond (PATCHCALL_CLOCK's speed); 1 on the real clock. */
  speed?: number;
  /** The longest real sleep between two looks at the log. */
  maxSleepMs?: number;
  logger?: SchedulerLogger;
}

/** What one look at the log wrote: the keys, per decision. */
export interface SchedulerRun {
  written: { decisionId?: string; key: string; kind: DueAction['kind'] | 'step-escalation' | 'digest' }[];
  /** The next due time after this run, ISO 8601 UTC, if anything more will come. */
  nextAt?: string;
}

export class DecisionScheduler {
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Immediate;
  private replicaRun?: Promise<void>;
  private replicaAgain = false;
  private stopped = true;
  private readonly speed: number;
  private readonly maxSleepMs: number;
  private readonly directory: UserGroupDirectory;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: SchedulerOptions,
  ) {
    this.speed = options.speed ?? 1;
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
    this.directory = new UserGroupDirectory(ctx);
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = this.soon = undefined;
  }

  /** The log or the clock changed: look again now (coalesced), then re-arm for the next due time. */
  nudge(): void {
    if (this.stopped || this.soon) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      if (this.stopped) return;
      // on a PostgreSQL replica the run's appends go through PostgreSQL (keys keep them once across replicas)
      if (this.ctx.replica) {
        // one run at a time; a nudge meanwhile runs once more after it
        if (this.replicaRun) return void (this.replicaAgain = true);
        this.replicaRun = this.runNow()
          .then(
            (run) => this.arm(run.nextAt),
            (error: Error) => {
              this.options.logger?.warn({ err: error.message }, 'scheduler run failed');
              this.arm(undefined);
            },
          )
          .finally(() => {
            this.replicaRun = undefined;
            if (this.replicaAgain) {
              this.replicaAgain = false;
              this.nudge();
            }
          });
        return;
      }
      let run: SchedulerRun = { written: [] };
      try {
        run = this.runOnce();
      } catch (error) {
        // a store failure: the next look tries again; the log still says what is due
        this.options.logger?.warn({ err: (error as Error).message }, 'scheduler run failed');
      }
      this.arm(run.nextAt);
    });
  }

  /**
   * Writes every action due now and returns the next due time (tests and a demo call it after moving the clock). On
   * SQLite the appends are committed when it returns, so it tells the outbox and the digest at once; on a replica
   * use `runNow`, which tells them only after PostgreSQL's commit.
   */
  runOnce(): SchedulerRun {
    const run = this.look();
    if (!this.ctx.replica) this.announce(run.written);
    return run;
  }

  /** One look now, its appends committed on either store, then the outbox and the digest told of them. */
  async runNow(): Promise<SchedulerRun> {
    const run = await committed(this.ctx, () => this.look(), { probeFirst: true });
    this.announce(run.written);
    return run;
  }

  /**
   * Told only after the commit: a worker told during the run (on a replica, inside the local transaction that
   * PostgreSQL has not yet committed) could read the log before the events are there, find nothing, and stop.
   */
  private announce(written: SchedulerRun['written']): void {
    if (this.options.onDigestPending && pendingDigests(this.ctx).length) this.options.onDigestPending();
    for (const id of new Set(written.flatMap((w) => (w.decisionId ? [w.decisionId] : [])))) this.options.onAppended(id);
  }

  private look(): SchedulerRun {
    const policy = this.ctx.rules.get('reminders');
    const now = this.ctx.clock();
    const written: SchedulerRun['written'] = [];
    let nextMs = Number.POSITIVE_INFINITY;
    const decisions = listDecisions(this.ctx);
    for (const listed of decisions) {
      const schedule = nextDueActions(listed, policy, now);
      for (const action of schedule.due) {
        if (this.write(listed.id, action, policy))
          written.push({ decisionId: listed.id, key: action.key, kind: action.kind });
      }
      if (schedule.next) nextMs = Math.min(nextMs, Date.parse(schedule.next.at));
    }
    const steps = escalateOverdueSteps(this.ctx, decisions);
    for (const w of steps.written) written.push({ ...w, kind: 'step-escalation' });
    if (steps.nextAt) nextMs = Math.min(nextMs, Date.parse(steps.nextAt));
    // the daily digest, keyed by its date: written once, whatever restarts or processes there are
    // (nothing to digest before the first decision: a new installation posts no empty digests)
    const digestKey = decisions.length ? scheduleDigest(this.ctx, policy.digest, now) : undefined;
    if (digestKey) written.push({ key: digestKey, kind: 'digest' });
    const nextDigest = nextDigestAt(policy.digest, now);
    if (nextDigest) nextMs = Math.min(nextMs, nextDigest.getTime());
    if (written.length && !this.ctx.replica?.probing)
      this.options.logger?.info?.({ written }, 'deadline actions written');
    return { written, ...(Number.isFinite(nextMs) ? { nextAt: new Date(nextMs).toISOString() } : {}) };
  }

  private arm(nextAt: string | undefined): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const simulatedMs =
      nextAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(nextAt) - this.ctx.clock().getTime();
    const delay = Math.min(this.maxSleepMs, Math.max(0, Math.ceil(simulatedMs / this.speed)));
    this.timer = setTimeout(() => this.nudge(), delay);
    this.timer.unref();
  }

  /** Appends the action's event unless its key is in the log by now (another process, or an earlier run). */
  private write(decisionId: string, action: DueAction, policy: ReminderPolicy): boolean {
    return writeTransaction(this.ctx.db, () => {
      const state = loadDecision(this.ctx, decisionId);
      if (state.keys.includes(action.key) || state.status !== 'open') return false;
      // only what is still due on the freshest state (a call may have landed from another process)
      if (!nextDueActions(state, policy, this.ctx.clock()).due.some((a) => a.key === action.key)) return false;
      const event = eventFor(state, action, (to) => escalationReach(to, readRoster(this.ctx), this.directory.read()));
      if (!event) return false;
      appendDecisionEvent(this.ctx, state, event.type, 'system', event.payload);
      return true;
    });
  }
}

/** The event that records the action, with where it goes; undefined while the channel it needs does not exist. */
function eventFor(
  state: DecisionState,
  action: DueAction,
  reach: (to: string) => EscalationReach,
):
  | { type: typeof DecisionEvents.reminderSent; payload: ReminderSentPayload }
  | { type: typeof DecisionEvents.defaultPathTaken; payload: DefaultPathTakenPayload }
  | undefined {
  const channel = state.channel?.id;
  switch (action.kind) {
    case 'direct-message':
      return {
        type: DecisionEvents.reminderSent,
        payload: {
          key: action.key,
          kind: action.kind,
          deadline: action.deadline,
          point: action.point,
          targets: action.to,
        },
      };
    case 'reminder':
    case 'overdue-reminder':
      if (!channel) return undefined;
      return {
        type: DecisionEvents.reminderSent,
        payload: {
          key: action.key,
          kind: action.kind,
          deadline: action.deadline,
          point: action.point,
          ...(action.kind === 'overdue-reminder' ? { every: action.every } : {}),
          targets: [channel],
        },
      };
    case 'default-path': {
      if (!channel) return undefined;
      const { path } = action;
      if (path.kind === 'remind')
        return {
          type: DecisionEvents.defaultPathTaken,
          payload: {
            key: action.key,
            deadline: action.deadline,
            path: 'remind',
            every: path.every,
            targets: [channel],
          },
        };
      // the people the escalation role names hear it directly; its user groups are mentioned in the channel
      const escalatedTo = path.to;
      const { users, groups, groupsUnknown } = reach(escalatedTo);
      return {
        type: DecisionEvents.defaultPathTaken,
        payload: {
          key: action.key,
          deadline: action.deadline,
          path: 'escalate',
          escalatedTo,
          reached: { users, groups, ...(groupsUnknown ? { groupsUnknown } : {}) },
          post: path.post,
          withMitigation: path.withMitigation,
          targets: [channel, ...users],
        },
      };
    }
  }
}
