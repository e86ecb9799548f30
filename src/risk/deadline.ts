/**
 * Deadlines in the policy's time zone: the earliest of the KEV due date, the provider's contractual SLA and the
 * urgency's own SLA (or the BOD 26-04 timeline), then moved out of a change freeze. Hour SLAs are elapsed hours;
 * windows, freezes and day counts are local wall-clock times, so a DST change moves them correctly.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { formatTime } from '../common/time-format';
import type { Asset } from '../inventory/model';
import type { Deadline, Urgency } from './model';
import { WEEKDAYS, type ChangeFreeze, type MaintenanceWindow, type Policy } from './policy';
import type { BodTimeline } from './ssvc-values';

dayjs.extend(utc);
dayjs.extend(timezone);

const HOUR = 3_600_000;

export interface DeadlineInput {
  urgency: Urgency;
  bodTimeline?: BodTimeline;
  asset: Asset;
  kevDueDate?: string;
  /** When the fix (or the bulletin) was released, ISO date or date-time. */
  releasedAt?: string;
  now: Dayjs;
  /**
   * Where the urgency's own deadline is counted from when it is not `now`: a decision assessed again keeps its
   * first assessment's anchor, so new facts never give it a fresh window.
   */
  anchor?: Dayjs;
  policy: Policy;
  /** `urgencyDeadline(urgency, now, policy)` from a caller that computes many deadlines at one `now`. */
  urgencyDeadline?: (urgency: Urgency) => Candidate;
}

export interface Candidate {
  at: Dayjs;
  reason: string;
}

export function computeDeadline(input: DeadlineInput): Deadline {
  const { policy, now } = input;
  const from = input.anchor ?? now;
  const zone = policy.timezone;
  const candidates: Candidate[] = [];
  if (input.kevDueDate)
    candidates.push({ at: localTime(input.kevDueDate, '23:59', zone), reason: `KEV due date ${input.kevDueDate}` });
  if (input.asset.patchedBy === 'provider' && input.asset.patchSlaDays !== undefined && input.releasedAt) {
    candidates.push({
      at: contractualDeadline(input.releasedAt, input.asset.patchSlaDays, zone),
      reason: `contract SLA of ${input.asset.provider ?? 'the provider'}: ${input.asset.patchSlaDays} days from release (${input.releasedAt.slice(0, 10)})`,
    });
  }
  const bodDays = input.bodTimeline ? policy.bodTimelineDays[input.bodTimeline] : undefined;
  if (policy.deadlinePolicy === 'bod-26-04' && input.bodTimeline && bodDays !== null && bodDays !== undefined) {
    candidates.push({
      at: addLocalDays(from.tz(zone), bodDays, zone),
      reason: `BOD 26-04: ${input.bodTimeline} from the assessment`,
    });
  } else {
    const prefix =
      policy.deadlinePolicy === 'bod-26-04' && input.bodTimeline
        ? `BOD 26-04: ${input.bodTimeline}, so by urgency: `
        : '';
    const own =
      input.urgencyDeadline && !input.anchor
        ? input.urgencyDeadline(input.urgency)
        : urgencyDeadline(input.urgency, from, policy);
    const anchored = input.anchor ? `, counted from ${formatTime(isoInstant(from), zone)}` : '';
    candidates.push({ ...own, reason: prefix + own.reason + anchored });
  }
  const soonest = candidates.reduce((a, c) => (c.at.isBefore(a.at) ? c : a));
  // an anchored deadline already behind us is due now, and says so
  const earliest =
    input.anchor && soonest.at.isBefore(now) ? { at: now, reason: `${soonest.reason}: already past, so now` } : soonest;
  const freeze = freezeAt(earliest.at, input.urgency, policy);
  if (freeze) {
    const end = localDateTime(freeze.to, zone);
    return {
      dueAt: isoInstant(end),
      reason: `${earliest.reason}; falls in the ${freeze.name} (${formatTime(isoInstant(localDateTime(freeze.from, zone)), zone)} to ${formatTime(isoInstant(end), zone)}), so moved to its end`,
    };
  }
  return { dueAt: isoInstant(earliest.at), reason: earliest.reason };
}

/** The instant as JSON carries it: ISO 8601 in UTC with `Z`, whatever zone the value was computed in. */
export function isoInstant(at: Dayjs): string {
  return new Date(at.valueOf()).toISOString();
}

/** The urgency's own deadline: hours for the urgent two, the next maintenance window, or a review date. */
export function urgencyDeadline(urgency: Urgency, now: Dayjs, policy: Policy): Candidate {
  const zone = policy.timezone;
  const sla = policy.urgencySla;
  switch (urgency) {
    case 'immediate':
      return { at: addHours(now, sla.immediate.hours, zone), reason: `Immediate: ${sla.immediate.hours} h` };
    case 'out-of-cycle':
      return {
        at: addHours(now, sla['out-of-cycle'].hours, zone),
        reason: `Out-of-cycle: ${sla['out-of-cycle'].hours} h`,
      };
    case 'scheduled': {
      const window = nextWindow(now, policy, sla.scheduled.nextWindowWithinDays, urgency);
      if (window)
        return {
          at: window.end,
          reason: `Scheduled: the ${window.window.name} from ${formatTime(isoInstant(window.start), zone)} to ${formatTime(isoInstant(window.end), zone)}`,
        };
      return {
        at: addLocalDays(now.tz(zone), sla.scheduled.nextWindowWithinDays, zone),
        reason: `Scheduled: no maintenance window outside a freeze in the next ${sla.scheduled.nextWindowWithinDays} days, so ${sla.scheduled.nextWindowWithinDays} days`,
      };
    }
    case 'defer':
      return {
        at: addLocalDays(now.tz(zone), sla.defer.reviewAfterDays, zone),
        reason: `Defer: review again in ${sla.defer.reviewAfterDays} days`,
      };
  }
}

export interface WindowOccurrence {
  window: MaintenanceWindow;
  start: Dayjs;
  end: Dayjs;
}

/** The first window still open after `after` within `withinDays`, skipping windows that overlap a freeze. */
export function nextWindow(
  after: Dayjs,
  policy: Policy,
  withinDays: number,
  urgency: Urgency,
): WindowOccurrence | undefined {
  const zone = policy.timezone;
  const local = after.tz(zone);
  const limit = addLocalDays(local, withinDays, zone);
  const found: WindowOccurrence[] = [];
  // start a day early: a window that began yesterday evening may still be open
  for (let i = -1; i <= withinDays; i++) {
    const day = addLocalDays(local.startOf('day'), i, zone);
    for (const window of policy.maintenanceWindows) {
      if (WEEKDAYS[day.day()] !== window.weekday) continue;
      const date = day.format('YYYY-MM-DD');
      const start = localTime(date, window.start, zone);
      const endDate = window.end <= window.start ? addLocalDays(day, 1, zone).format('YYYY-MM-DD') : date;
      const end = localTime(endDate, window.end, zone);
      if (!end.isAfter(after) || start.isAfter(limit)) continue;
      if (policy.changeFreezes.some((f) => !f.exempt.includes(urgency) && overlaps(f, start, end, zone))) continue;
      found.push({ window, start: start.isBefore(after) ? after.tz(zone) : start, end });
    }
  }
  return found.sort((a, b) => a.start.valueOf() - b.start.valueOf())[0];
}

export function freezeAt(at: Dayjs, urgency: Urgency, policy: Policy): ChangeFreeze | undefined {
  return policy.changeFreezes.find((f) => {
    if (f.exempt.includes(urgency)) return false;
    return !at.isBefore(localDateTime(f.from, policy.timezone)) && at.isBefore(localDateTime(f.to, policy.timezone));
  });
}

function overlaps(freeze: ChangeFreeze, start: Dayjs, end: Dayjs, zone: string): boolean {
  return start.isBefore(localDateTime(freeze.to, zone)) && end.isAfter(localDateTime(freeze.from, zone));
}

/** Release + N calendar days; a date-only release counts to the end of the last day. */
export function contractualDeadline(releasedAt: string, days: number, zone: string): Dayjs {
  if (!/T/.test(releasedAt))
    return localTime(dayjs.utc(releasedAt).add(days, 'day').format('YYYY-MM-DD'), '23:59', zone);
  return addLocalDays(dayjs(releasedAt).tz(zone), days, zone);
}

// dayjs' timezone plugin keeps the old offset when adding to a zoned value across DST, so add to the instant
export function addHours(at: Dayjs, hours: number, zone: string): Dayjs {
  return dayjs(at.valueOf() + hours * HOUR).tz(zone);
}

/** Same wall-clock time N days later in the zone. */
export function addLocalDays(at: Dayjs, days: number, zone: string): Dayjs {
  const date = dayjs.utc(at.format('YYYY-MM-DD')).add(days, 'day').format('YYYY-MM-DD');
  return localTime(date, at.format('HH:mm:ss'), zone);
}

/** An ISO date-time as given, or a date-only value as the start of that day in the zone. */
export function instant(value: string, zone: string): Dayjs {
  return /T/.test(value) ? dayjs(value).tz(zone) : dayjs.tz(value, zone);
}

export function localTime(date: string, time: string, zone: string): Dayjs {
  return dayjs.tz(`${date} ${time}`, zone);
}

function localDateTime(value: string, zone: string): Dayjs {
  return dayjs.tz(value.replace('T', ' '), zone);
}
