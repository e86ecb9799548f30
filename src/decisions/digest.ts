/**
 * The daily digest: when it is due (the latest run of rules/reminders.json's cron, checked with croner, keyed by
 * its date in the digest's zone so it goes out once a day whatever restarts or processes there are), what it says
 * (open decisions, plan steps past their due time, the exposure still open), and the fold of its events.
 */
import { Cron } from 'croner';
import type { PlanStep } from '../risk/model';
import type { DecisionState } from './decision-model';
import { stepDone } from './step-escalations';
import type { DigestSchedule } from './reminder-policy';

export const DIGEST_STREAM = 'digest';

export const DigestEvents = {
  /** The digest of a day is due: written once per key, before anything is posted. */
  due: 'digest.due',
  attempted: 'digest.attempted',
  posted: 'digest.posted',
  failed: 'digest.failed',
} as const;

export interface DigestDuePayload {
  /** `digest:<YYYY-MM-DD>` in the digest's zone. */
  key: string;
  date: string;
  /** The cron run it stands for, ISO 8601 UTC. */
  at: string;
  channel: string;
}

export interface DigestPostedPayload {
  key: string;
  channel: string;
  ts: string;
  found?: boolean;
}

export interface DigestFailedPayload {
  key: string;
  error: string;
}

export interface DigestState extends DigestDuePayload {
  attempted: boolean;
  posted?: { channel: string; ts: string };
  failed?: string;
}

/** A run no older than this is still worth sending after a restart; an older one was missed for good. */
const CATCH_UP_MS = 12 * 3_600_000;

/** The digest due at `now` (the latest cron run not after it, at most 12 hours ago), if any. */
export function dueDigest(schedule: DigestSchedule, now: Date): DigestDuePayload | undefined {
  const latest = latestRun(schedule, now.getTime() + 1000);
  if (!latest || latest.getTime() > now.getTime() || now.getTime() - latest.getTime() > CATCH_UP_MS) return undefined;
  const date = dayIn(latest, schedule.timezone);
  return { key: `digest:${date}`, date, at: latest.toISOString(), channel: schedule.channel };
}

interface KnownRun {
  /** The latest run not after `from`, if any. */
  latest: Date | undefined;
  /** Until the next run after `from`, `latest` stays the latest. */
  from: number;
  until: number;
}

const knownRuns = new Map<string, KnownRun>();

/**
 * The latest run of the cron not after `at`. Looking back through a cron is slow (tens of ms), and the deadline
 * scheduler asks on every burst of appends: the answer holds until the next run, which is quick to find.
 */
function latestRun(schedule: DigestSchedule, at: number): Date | undefined {
  const key = `${schedule.cron}\u0000${schedule.timezone ?? ''}`;
  const known = knownRuns.get(key);
  if (known && known.from <= at && at < known.until) return known.latest;
  const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
  const [latest] = cron.previousRuns(1, new Date(at));
  // from a second before: a run at `at` itself (whichever side previousRuns puts it) leaves nothing cached
  const next = cron.nextRun(new Date(at - 1000));
  knownRuns.set(key, { latest, from: at, until: next ? next.getTime() : Number.POSITIVE_INFINITY });
  return latest;
}

/** The day of an instant in a zone, as YYYY-MM-DD. */
export function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

export function foldDigests(events: Iterable<{ type: string; payload: unknown }>): Map<string, DigestState> {
  const digests = new Map<string, DigestState>();
  for (const event of events) {
    const key = (event.payload as { key: string }).key;
    const known = digests.get(key);
    switch (event.type) {
      case DigestEvents.due:
        if (!known) digests.set(key, { ...(event.payload as DigestDuePayload), attempted: false });
        break;
      case DigestEvents.attempted:
        if (known) known.attempted = true;
        break;
      case DigestEvents.posted:
        if (known) {
          const p = event.payload as DigestPostedPayload;
          known.posted = { channel: p.channel, ts: p.ts };
        }
        break;
      case DigestEvents.failed:
        if (known) known.failed = (event.payload as DigestFailedPayload).error;
        break;
    }
  }
  return digests;
}

export interface OverdueStep {
  decisionId: string;
  step: PlanStep;
}

export interface DigestContent {
  /** The decisions still waiting for the call. */
  open: DecisionState[];
  /** Plan steps of decided decisions, not closed, past their due time and not recorded done. */
  overdueSteps: OverdueStep[];
  /**
   * Per decision not closed, the affected assets still reachable from the open network (exposure `open`): as the
   * latest later import showed them (patched, mitigated and no longer affected ones left out), else at convening.
   */
  openExposure: { decisionId: string; assets: string[] }[];
}

/** Asset standings of plan progress (src/decisions/plan-progress.ts) that leave nothing to do. */
const RESOLVED = new Set(['patched', 'mitigated', 'no longer affected']);

export function digestContent(decisions: DecisionState[], now: Date): DigestContent {
  const live = decisions.filter((d) => d.status !== 'new' && !d.living?.closed);
  return {
    open: live.filter((d) => d.status === 'open'),
    overdueSteps: live.flatMap((d) => overdueSteps(d, now)),
    openExposure: live.map((d) => ({ decisionId: d.id, assets: openAssets(d) })).filter((e) => e.assets.length > 0),
  };
}

function openAssets(state: DecisionState): string[] {
  const progress = state.living?.progress;
  if (!progress) return state.assets.filter((a) => a.exposure === 'open').map((a) => a.name);
  return progress.assets.filter((a) => !RESOLVED.has(a.status) && a.exposure === 'open').map((a) => a.assetName);
}

/**
 * Steps of the plan due before `now` and not recorded done (by a later import's progress, or the provider's
 * "patched"): for a decided decision not closed (a plan only binds once the call is made).
 */
export function overdueSteps(state: DecisionState, now: Date): OverdueStep[] {
  if (state.status !== 'decided' || !state.assessment || state.living?.closed) return [];
  const done = stepDone(state);
  return state.assessment.plan
    .filter((step) => step.dueAt !== undefined && Date.parse(step.dueAt) < now.getTime() && !done(step.title))
    .map((step) => ({ decisionId: state.id, step }));
}
