/**
 * The one clock people read. Every time shown to a person (card, topic, modal, App Home, CLI table, report) goes
 * through `formatTime`: the organization's zone (rules/policy.json) with its abbreviation, and UTC beside it when
 * the two differ — `Fri 24 Oct 2008 20:30 CEST (18:30 UTC)`. JSON carries ISO 8601 UTC with `Z` (`isoUtc`).
 * The offset and the abbreviation are computed for the instant itself, so a date after a DST change shows the
 * offset of that date, not the one of the day it was computed on.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    partsFormats.set(zone, format);
  }
  return format;
}

function wallClock(date: Date, zone: string): WallClock {
  const parts = Object.fromEntries(
    partsFormat(zone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Minutes east of UTC in `zone` at that instant. */
export function zoneOffsetMinutes(date: Date, zone: string): number {
  const local = wallClock(date, zone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  return Math.round((asUtc - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The zone's abbreviation at that instant (CEST, CET, EDT, BST). ICU knows the letters of some zones only in some
 * locales (Berlin's in en-GB, New York's in en-US); where it knows none, the offset is written `UTC+5:30`.
 */
export function zoneAbbreviation(date: Date, zone: string): string {
  for (const locale of ['en-US', 'en-GB']) {
    const key = `${locale} ${zone}`;
    let format = nameFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
      nameFormats.set(key, format);
    }
    const name = format.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (name && !/^(GMT|UTC)[+\-−]/.test(name)) return name;
  }
  const offset = zoneOffsetMinutes(date, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function parse(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `Fri 24 Oct 2008 20:30 CEST (18:30 UTC)`; the UTC part names its own day when that differs. */
export function formatTime(iso: string, zone: string): string {
  const date = parse(iso);
  if (!date) return iso;
  // what is shown depends only on the second (zone offsets are whole seconds) and the zone; a card lists every
  // position's time on each update
  const key = `${zone} ${Math.floor(date.getTime() / 1000)}`;
  let text = formattedTimes.get(key);
  if (text === undefined) {
    if (formattedTimes.size >= FORMATTED_TIMES_KEPT) formattedTimes.clear();
    formattedTimes.set(key, (text = formatUncached(date, zone)));
  }
  return text;
}

const FORMATTED_TIMES_KEPT = 10_000;
const formattedTimes = new Map<string, string>();

function formatUncached(date: Date, zone: string): string {
  const local = wallClock(date, zone);
  const text = `${WEEKDAYS[local.weekday]} ${local.day} ${MONTHS[local.month - 1]} ${local.year} ${pad(local.hour)}:${pad(local.minute)} ${zoneAbbreviation(date, zone)}`;
  if (zoneOffsetMinutes(date, zone) === 0) return text;
  const utc = wallClock(date, 'UTC');
  const sameDay = utc.day === local.day && utc.month === local.month && utc.year === local.year;
  const utcDay = sameDay ? '' : `${WEEKDAYS[utc.weekday]} ${utc.day} ${MONTHS[utc.month - 1]} `;
  return `${text} (${utcDay}${pad(utc.hour)}:${pad(utc.minute)} UTC)`;
}

/** A date alone, for dates that have no time of day (release dates): `Thu 23 Oct 2008`. */
export function formatDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${day} ${MONTHS[month - 1]} ${year}`;
}

/** ISO 8601 in UTC with `Z`, whatever offset the input carried: the form JSON carries. */
export function isoUtc(iso: string): string {
  const date = parse(iso);
  return date ? date.toISOString() : iso;
}

const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:?\d{2}$/;

/**
 * A copy of a JSON value with every date-time that carries an offset (`…T20:30:00+02:00`) written in UTC with `Z`,
 * for values recorded before JSON carried UTC (events already written stay as they are; what is read from them is
 * shown in UTC). Dates without a time and free text are left alone.
 */
export function utcTimes<T>(value: T): T {
  if (typeof value === 'string') return (OFFSET_DATE_TIME.test(value) ? isoUtc(value) : value) as T;
  if (Array.isArray(value)) return value.map((item) => utcTimes(item)) as T;
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = utcTimes(item);
    return copy as T;
  }
  return value;
}

/**
 * A JSON.stringify replacer that writes every date-time carrying an offset in UTC with `Z`, without copying the
 * value: what every JSON output of patchcall goes through, whatever its source wrote (a CSAF `+01:00`, an event
 * recorded before JSON carried UTC).
 */
export function utcTimeReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' && OFFSET_DATE_TIME.test(value) ? isoUtc(value) : value;
}

/** The zone patchcall shows times in when no policy names one. */
export const DEFAULT_DISPLAY_ZONE = 'UTC';
