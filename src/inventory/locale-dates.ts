/**
 * Dates written in the exporting machine's locale (Get-HotFix `InstalledOn` through Export-Csv, WMI's
 * `InstalledOn` in osquery's patches table): "10/24/2008", "24/10/2008 00:00:00", "24.10.2008", "2008/10/24".
 *
 * The day/month order is taken, in this order, from: a stated locale (`patchcall import --locale en-GB`, read
 * through Intl); the form itself when only one order fits (year first; dotted day.month.year; a part above 12);
 * the other dates of the same file (one "24/10/2008" settles "03/04/2009" in the same export). When nothing
 * settles it, or the file's dates contradict each other, the date is left unknown with a warning: never a guess.
 */
import { readIsoDate } from '../common/dates';

export type DateOrder = 'mdy' | 'dmy' | 'ymd';

const LOCALE_DATE =
  /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?$/;

/** The order a BCP 47 locale writes numeric dates in, or undefined for a tag Intl does not know. */
export function dateOrderOfLocale(locale: string): DateOrder | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(locale).formatToParts(new Date(Date.UTC(2008, 9, 24, 12)));
  } catch {
    return undefined;
  }
  const order = parts
    .filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year')
    .map((p) => p.type[0])
    .join('');
  return order === 'mdy' || order === 'dmy' || order === 'ymd' ? order : undefined;
}

interface Split {
  first: number;
  second: number;
  third: number;
  separator: string;
  yearFirst: boolean;
}

function split(text: string): Split | undefined {
  const match = LOCALE_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, a, separator, b, c] = match;
  return { first: Number(a), second: Number(b), third: Number(c), separator: separator!, yearFirst: a!.length === 4 };
}

/** The order the text alone proves, if any. */
function orderOf(parts: Split): DateOrder | undefined {
  if (parts.yearFirst) return 'ymd';
  if (parts.separator === '.') return 'dmy';
  if (parts.first > 12 && parts.second <= 12) return 'dmy';
  if (parts.second > 12 && parts.first <= 12) return 'mdy';
  return undefined;
}

export interface FileDateOrder {
  order?: DateOrder;
  /** Why: "stated locale en-GB", "\"24/10/2008\" on line 3". */
  because?: string;
  /** Two dates of the file that prove opposite orders. */
  conflict?: string;
}

/** The order for a whole file's dates: stated, else proven by one of them (and contradicted by none). */
export function fileDateOrder(samples: { text: string; where: string }[], locale?: string): FileDateOrder {
  if (locale) {
    const order = dateOrderOfLocale(locale);
    if (order) return { order, because: `stated locale ${locale}` };
  }
  let mdy: { text: string; where: string } | undefined;
  let dmy: { text: string; where: string } | undefined;
  for (const sample of samples) {
    const parts = split(sample.text);
    if (!parts || parts.yearFirst || parts.separator === '.') continue;
    const order = orderOf(parts);
    if (order === 'mdy') mdy ??= sample;
    if (order === 'dmy') dmy ??= sample;
  }
  if (mdy && dmy)
    return {
      conflict: `"${mdy.text}" (${mdy.where}) is month/day/year but "${dmy.text}" (${dmy.where}) is day/month/year`,
    };
  const proof = mdy ?? dmy;
  return proof ? { order: mdy ? 'mdy' : 'dmy', because: `"${proof.text}" (${proof.where})` } : {};
}

export type LocaleDateReading = { ok: true; iso: string } | { ok: false; problem: string };

/** One date, by ISO 8601 first, then by the order the text or the file proves. */
export function readLocaleDate(text: string, fileOrder: FileDateOrder = {}): LocaleDateReading {
  const iso = readIsoDate(
    text
      .trim()
      .replace(' ', 'T')
      .replace(/T(\d):/, 'T0$1:'),
  );
  if (iso.ok) return { ok: true, iso: iso.iso.slice(0, 10) };
  const plainIso = readIsoDate(text.trim());
  if (plainIso.ok) return { ok: true, iso: plainIso.iso.slice(0, 10) };
  const parts = split(text);
  if (!parts) return { ok: false, problem: `"${text}" is not a date patchcall reads` };
  if (!parts.yearFirst && parts.third < 1000)
    return { ok: false, problem: `"${text}" has a two-digit year; left unknown` };
  const own = orderOf(parts);
  if (own && fileOrder.order && own !== fileOrder.order && !parts.yearFirst)
    return { ok: false, problem: `"${text}" contradicts the file's date order (${fileOrder.because}); left unknown` };
  const order = own ?? fileOrder.order;
  if (!order) {
    const why = fileOrder.conflict
      ? `the file's dates contradict each other (${fileOrder.conflict})`
      : 'no date in the file settles the order';
    return {
      ok: false,
      problem: `"${text}" could be month/day or day/month and ${why}; state the locale with --locale; left unknown`,
    };
  }
  const [year, month, day] =
    order === 'ymd'
      ? [parts.first, parts.second, parts.third]
      : order === 'mdy'
        ? [parts.third, parts.first, parts.second]
        : [parts.third, parts.second, parts.first];
  const pad = (n: number) => String(n).padStart(2, '0');
  const reading = readIsoDate(`${year}-${pad(month)}-${pad(day)}`);
  return reading.ok ? { ok: true, iso: reading.iso } : { ok: false, problem: `"${text}" is not a real date` };
}
