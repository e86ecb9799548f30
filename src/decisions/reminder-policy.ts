/**
 * rules/reminders.json as the scheduler uses it: per urgency, when the channel is reminded and the owner and the
 * delegate get a direct message before the deadline, the default path when the deadline passes with no call, and
 * the daily digest. Durations are ISO 8601 with days as 24 elapsed hours, like the hour SLAs in policy.json; years
 * and months are refused because their length varies.
 */
import { Cron } from 'croner';
import { InputError } from '../common/errors';
import { URGENCIES, type Urgency } from '../risk/model';

export type DefaultPath =
  | { kind: 'escalate'; to: string; post: string; withMitigation: boolean }
  | { kind: 'remind'; every: string; everyMs: number };

export interface UrgencyReminders {
  /** Durations before the deadline, as written ("PT4H"), with their length, earliest point first. */
  remindBefore: ReminderPoint[];
  directMessageBefore: ReminderPoint[];
  atDeadline: DefaultPath;
}

export interface ReminderPoint {
  point: string;
  ms: number;
}

export interface DigestSchedule {
  channel: string;
  cron: string;
  timezone: string;
}

export interface ReminderPolicy {
  byUrgency: Record<Urgency, UrgencyReminders>;
  digest: DigestSchedule;
}

const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds in an ISO 8601 duration such as "PT4H" or "P1D"; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((n) => Number(n ?? 0)) as number[];
  return ((((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000;
}

interface ReminderPolicyDocument {
  byUrgency: Record<
    Urgency,
    {
      remindBefore: string[];
      directMessageBefore: string[];
      atDeadline: { escalate: { to: string; post: string; withMitigation?: boolean } } | { remindEvery: string };
    }
  >;
  digest: DigestSchedule;
}

/** The checks the schema cannot make (positive durations, a cron the scheduler accepts, a real time zone). */
export function readReminderPolicy(value: unknown, file: string): ReminderPolicy {
  const doc = value as ReminderPolicyDocument;
  const points = (list: string[], pointer: string): ReminderPoint[] =>
    list
      .map((point, i) => ({ point, ms: positiveDuration(point, file, `${pointer}/${i}`) }))
      .sort((a, b) => b.ms - a.ms);
  const byUrgency = Object.fromEntries(
    URGENCIES.map((urgency): [Urgency, UrgencyReminders] => {
      const entry = doc.byUrgency[urgency];
      const at = `/byUrgency/${urgency}`;
      const atDeadline: DefaultPath =
        'escalate' in entry.atDeadline
          ? { kind: 'escalate', withMitigation: false, ...entry.atDeadline.escalate }
          : {
              kind: 'remind',
              every: entry.atDeadline.remindEvery,
              everyMs: positiveDuration(entry.atDeadline.remindEvery, file, `${at}/atDeadline/remindEvery`),
            };
      return [
        urgency,
        {
          remindBefore: points(entry.remindBefore, `${at}/remindBefore`),
          directMessageBefore: points(entry.directMessageBefore, `${at}/directMessageBefore`),
          atDeadline,
        },
      ];
    }),
  ) as Record<Urgency, UrgencyReminders>;
  const { digest } = doc;
  try {
    new Intl.DateTimeFormat('en', { timeZone: digest.timezone });
  } catch {
    throw new InputError(file, `"${digest.timezone}" is not an IANA time zone such as Europe/Berlin`, {
      pointer: '/digest/timezone',
    });
  }
  try {
    new Cron(digest.cron, { paused: true, timezone: digest.timezone });
  } catch (error) {
    throw new InputError(file, `"${digest.cron}" is not a cron schedule: ${(error as Error).message}`, {
      pointer: '/digest/cron',
    });
  }
  return { byUrgency, digest };
}

/** When the digest runs next after `after`, in the digest's time zone. */
export function nextDigestAt(digest: DigestSchedule, after: Date): Date | undefined {
  return new Cron(digest.cron, { paused: true, timezone: digest.timezone }).nextRun(after) ?? undefined;
}

function positiveDuration(text: string, file: string, pointer: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new InputError(file, `"${text}" is not an ISO 8601 duration in weeks, days, hours, minutes or seconds`, {
      pointer,
    });
  if (ms <= 0) throw new InputError(file, `"${text}" must be longer than zero`, { pointer });
  return ms;
}
