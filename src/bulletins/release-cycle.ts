/**
 * Out-of-cycle detection: a bulletin is out-of-cycle when its release day, in the vendor's own time zone, is
 * not one of the vendor's regular release days. The calendars are data (rules/release-calendars.json).
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { ConfigError } from '../common/errors';
import type { CycleVerdict } from './model';

dayjs.extend(utc);
dayjs.extend(timezone);

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Calendar =
  | { kind: 'nth-weekday'; nth: number; weekday: Weekday; months: 'all' | number[] }
  | { kind: 'weekday-closest-to-day'; weekday: Weekday; day: number; months: 'all' | number[] };

export interface VendorCalendar {
  vendor: string;
  aliases: string[];
  timezone: string;
  calendar: Calendar;
  name: string;
  reference?: string;
  /** A regular expression: the calendar covers only products whose names match (Cisco's IOS bundle). */
  appliesToProducts?: string;
}

export interface ReleaseCalendars {
  vendors: VendorCalendar[];
}

/** Checks the calendar data at load time, so a typo in rules/ fails loudly instead of misjudging a bulletin. */
export function validateCalendars(data: unknown, file: string): ReleaseCalendars {
  const problems: string[] = [];
  const vendors = (data as { vendors?: unknown })?.vendors;
  if (!Array.isArray(vendors)) throw new ConfigError(`${file}: "vendors" must be an array`);
  vendors.forEach((entry: VendorCalendar, i: number) => {
    const where = `${file} /vendors/${i} (${entry?.vendor ?? '?'})`;
    if (typeof entry?.vendor !== 'string' || !Array.isArray(entry.aliases))
      problems.push(`${where}: needs vendor and aliases`);
    try {
      dayjs.tz('2008-10-23', entry?.timezone);
    } catch {
      problems.push(`${where}: unknown time zone "${entry?.timezone}"`);
    }
    const calendar = entry?.calendar;
    if (!calendar || !WEEKDAYS.includes(calendar.weekday))
      problems.push(`${where}: calendar.weekday must be one of ${WEEKDAYS.join(', ')}`);
    else if (calendar.kind === 'nth-weekday' && !(calendar.nth >= 1 && calendar.nth <= 5))
      problems.push(`${where}: calendar.nth must be 1-5`);
    else if (calendar.kind === 'weekday-closest-to-day' && !(calendar.day >= 1 && calendar.day <= 31))
      problems.push(`${where}: calendar.day must be 1-31`);
    else if (calendar.kind !== 'nth-weekday' && calendar.kind !== 'weekday-closest-to-day')
      problems.push(`${where}: unknown calendar.kind`);
    if (
      calendar &&
      calendar.months !== 'all' &&
      !(Array.isArray(calendar.months) && calendar.months.every((m) => m >= 1 && m <= 12))
    ) {
      problems.push(`${where}: calendar.months must be "all" or month numbers 1-12`);
    }
  });
  if (problems.length) throw new ConfigError(problems.join('\n'));
  return data as ReleaseCalendars;
}

export function findVendorCalendar(
  vendor: string | undefined,
  productNames: string[],
  calendars: ReleaseCalendars,
): VendorCalendar | undefined {
  if (!vendor) return undefined;
  const key = vendor.trim().toLowerCase();
  return calendars.vendors.find(
    (entry) =>
      (entry.vendor.toLowerCase() === key || entry.aliases.includes(key)) &&
      (!entry.appliesToProducts || productNames.some((name) => new RegExp(entry.appliesToProducts!).test(name))),
  );
}

/** `releasedAt` is an ISO date (read in the vendor's zone) or date-time (converted to the vendor's zone). */
export function classifyCycle(
  vendor: string | undefined,
  releasedAt: string | undefined,
  productNames: string[],
  calendars: ReleaseCalendars,
  what = 'released',
): CycleVerdict {
  if (!releasedAt) return { status: 'unknown', reason: 'the bulletin has no release date' };
  const entry = findVendorCalendar(vendor, productNames, calendars);
  if (!entry)
    return {
      status: 'unknown',
      reason: vendor ? `no release calendar is known for vendor "${vendor}"` : 'the bulletin names no vendor',
    };
  const local = /T/.test(releasedAt) ? dayjs(releasedAt).tz(entry.timezone) : dayjs.tz(releasedAt, entry.timezone);
  const day = local.format('YYYY-MM-DD');
  const weekday = local.format('dddd');
  const regular = regularReleaseDay(entry.calendar, local.year(), local.month() + 1, entry.timezone);
  if (regular && regular.format('YYYY-MM-DD') === day) {
    return {
      status: 'in-cycle',
      reason: `${what} ${weekday} ${day} (${entry.timezone}), on ${entry.vendor}'s ${entry.name}`,
    };
  }
  const expected = regular
    ? `; that month's regular day was ${regular.format('dddd YYYY-MM-DD')}`
    : '; no regular release falls in that month';
  return {
    status: 'out-of-cycle',
    reason: `${what} ${weekday} ${day} (${entry.timezone}), outside ${entry.vendor}'s ${entry.name}${expected}`,
  };
}

/** The vendor's regular release day in a month, or undefined when the calendar has none that month. */
export function regularReleaseDay(calendar: Calendar, year: number, month: number, zone: string): Dayjs | undefined {
  if (calendar.months !== 'all' && !calendar.months.includes(month)) return undefined;
  const target = WEEKDAYS.indexOf(calendar.weekday);
  const first = dayjs.tz(`${year}-${String(month).padStart(2, '0')}-01`, zone);
  if (calendar.kind === 'nth-weekday') {
    const offset = (target - first.day() + 7) % 7;
    const candidate = first.add(offset + 7 * (calendar.nth - 1), 'day');
    return candidate.month() === first.month() ? candidate : undefined;
  }
  const anchor = first.add(calendar.day - 1, 'day');
  const forward = (target - anchor.day() + 7) % 7;
  return forward <= 3 ? anchor.add(forward, 'day') : anchor.subtract(7 - forward, 'day');
}
