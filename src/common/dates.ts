/**
 * Strict date reading for imported documents. Advisories carry dates in several ISO 8601 forms; anything else
 * ("10/23/2008", "23.10.2008", "Oct 23 2008") is ambiguous across locales and is refused, not guessed.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export type DateReading = { ok: true; iso: string; assumedUtc: boolean } | { ok: false; problem: string };

/** Reads an ISO 8601 date or date-time; a value without a zone is read as UTC and flagged. */
export function readIsoDate(text: string): DateReading {
  const value = text.trim();
  const dateOnly = ISO_DATE.exec(value);
  const dateTime = dateOnly ? null : ISO_DATE_TIME.exec(value);
  const match = dateOnly ?? dateTime;
  if (!match) {
    return {
      ok: false,
      problem: `"${truncate(value)}" is not an ISO 8601 date (expected e.g. 2008-10-23 or 2008-10-23T17:00:00Z)`,
    };
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { ok: false, problem: `"${truncate(value)}" is not a real calendar date or time` };
  }
  const zoneText = zone ? (zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const millis = frac ? `.${frac.padEnd(3, '0').slice(0, 3)}` : '';
  const iso = dateOnly ? `${y}-${mo}-${d}` : `${y}-${mo}-${d}T${h}:${mi}:${s}${millis}${zoneText}`;
  if (!dateOnly && !dayjs(iso).isValid())
    return { ok: false, problem: `"${truncate(value)}" is not a valid date-time` };
  return { ok: true, iso, assumedUtc: !dateOnly && !zone };
}

function truncate(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}
