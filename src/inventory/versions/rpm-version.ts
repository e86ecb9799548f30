/**
 * RPM versions: rpmvercmp (rpm's lib/rpmvercmp.c) for one version or release string, and epoch:version-release
 * ordering on top of it. Alphanumeric runs are the segments; digit runs compare as numbers and beat letter runs;
 * `~` sorts before anything (even the end) and `^` after the end but before anything else.
 */

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c);

/** rpmvercmp: -1, 0 or 1. Every string is comparable (rpm treats other characters as separators). */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): string => (k < s.length ? s[k]! : '');
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]!) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]!) && b[j] !== '~' && b[j] !== '^') j++;
    const x = at(a, i);
    const y = at(b, j);
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (x === '^' || y === '^') {
      if (!x) return -1;
      if (!y) return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!x || !y) break;
    const numeric = isDigit(x);
    const inSegment = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (endA < a.length && inSegment(a[endA]!)) endA++;
    while (endB < b.length && inSegment(b[endB]!)) endB++;
    // one numeric segment against a letter segment: numbers are newer
    if (endB === j) return numeric ? 1 : -1;
    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  epoch: number;
  version: string;
  release?: string;
}

/** "1:9.0.62-1.el8" → {epoch 1, version "9.0.62", release "1.el8"}; undefined when it is not an EVR. */
export function parseEvr(text: string): Evr | undefined {
  const trimmed = text.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const colon = trimmed.indexOf(':');
  let epoch = 0;
  let rest = trimmed;
  if (colon >= 0) {
    const epochText = trimmed.slice(0, colon);
    if (!/^\d+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = trimmed.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : undefined;
  if (!version || release === '' || version.includes(':')) return undefined;
  return release === undefined ? { epoch, version } : { epoch, version, release };
}

/**
 * epoch, then version, then release. A missing epoch is 0 (rpm's rule). When the versions are equal and only one
 * side names a release, the order is unknown: "9.0.62" may be any build of 9.0.62.
 */
export function compareRpm(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseEvr(a);
  const y = parseEvr(b);
  if (!x || !y) return undefined;
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  if (x.release === undefined && y.release === undefined) return 0;
  if (x.release === undefined || y.release === undefined) return undefined;
  return rpmvercmp(x.release, y.release);
}
