/**
 * Maven versions, ordered as Maven's ComparableVersion (maven-artifact 3.x): items split on "." and "-" and on
 * digit/letter transitions; a "-" followed by a digit opens a sub-list; trailing nulls (0, "", "final", "ga") are
 * dropped; qualifiers order alpha < beta < milestone < rc = cr < snapshot < "" = ga = final < sp < anything else
 * (lexically); a, b and m directly followed by a digit mean alpha, beta and milestone. Every string parses.
 */

type Item = { kind: 'int'; digits: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(text: string, followedByDigit: boolean): Item {
  let value = text;
  if (followedByDigit && value.length === 1) value = { a: 'alpha', b: 'beta', m: 'milestone' }[value] ?? value;
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', digits: text.replace(/^0+/, '') } : stringItem(text, false);
}

function comparableQualifier(value: string): string {
  const i = QUALIFIERS.indexOf(value);
  return i === -1 ? `${QUALIFIERS.length}-${value}` : String(i);
}

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);
const compareStrings = (a: string, b: string): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.digits === '';
  if (item.kind === 'string') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

function normalize(list: Item[]): void {
  while (list.length && isNull(list[list.length - 1]!)) list.pop();
}

function compareItem(item: Item, other: Item | undefined): -1 | 0 | 1 {
  if (item.kind === 'int') {
    if (!other) return item.digits === '' ? 0 : 1;
    if (other.kind !== 'int') return 1;
    if (item.digits.length !== other.digits.length) return item.digits.length < other.digits.length ? -1 : 1;
    return compareStrings(item.digits, other.digits);
  }
  if (item.kind === 'string') {
    if (!other) return compareStrings(comparableQualifier(item.value), RELEASE_INDEX);
    if (other.kind !== 'string') return -1;
    return compareStrings(comparableQualifier(item.value), comparableQualifier(other.value));
  }
  if (!other) return item.items.length === 0 ? 0 : compareItem(item.items[0]!, undefined);
  if (other.kind === 'int') return -1;
  if (other.kind === 'string') return 1;
  const length = Math.max(item.items.length, other.items.length);
  for (let k = 0; k < length; k++) {
    const l = item.items[k];
    const r = other.items[k];
    const result = l === undefined ? (r === undefined ? 0 : sign(-compareItem(r, undefined))) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

export function parseMavenVersion(text: string): Item {
  const version = text.trim().toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', digits: '' } : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
      if (c === '-' && isDigit) {
        normalize(list); // 1.0-* = 1-*
        if (i + 1 < version.length && /\d/.test(version[i + 1]!)) {
          const sub: Item[] = [];
          list.push({ kind: 'list', items: sub });
          list = sub;
          stack.push(sub);
        }
      }
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(stringItem(version.slice(start, i), true));
        start = i;
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, version.slice(start, i)));
        start = i;
      }
      isDigit = false;
    }
  }
  if (version.length > start) list.push(parseItem(isDigit, version.slice(start)));
  while (stack.length) normalize(stack.pop()!);
  return { kind: 'list', items: root };
}

export function compareMaven(a: string, b: string): -1 | 0 | 1 | undefined {
  if (!a.trim() || !b.trim()) return undefined;
  return compareItem(parseMavenVersion(a), parseMavenVersion(b));
}
