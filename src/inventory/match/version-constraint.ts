/**
 * The advisory side of version ranges: CSAF product_version_range names (vers: and the free forms publishers write,
 * "<v14", ">=12.7.1|<=12.7.6", "all versions"), NVD versionStart/End bounds, OSV introduced/fixed/last_affected and
 * exact versions, read into one shape and evaluated in the product's own version scheme by one evaluator,
 * `satisfies`. Anything the scheme cannot order is "unknown", never a guess in either direction.
 *
 * `satisfies` is also the VERS containment check. It gives the spec's answer on every well-formed VERS range
 * (constraints sorted, lower and upper bounds alternating; "=" in, "!=" out of the whole range) without sorting
 * first: it pairs bounds in the advisory's own order, which for a well-formed range is the sorted order, and so it
 * also reads what the spec's algorithm cannot sort, such as a Cisco release list ("=12.2(55)SE|=15.0(2)SE", two
 * trains that do not order) or a free-form range.
 */
import semver from 'semver';
import { compareVersions, type VersionScheme } from '../versions/compare-versions';
import { parseVers, type Comparator } from '../versions/version-range';

export type { Comparator };

/** An interval: every bound must hold. A constraint is satisfied when any of its intervals is. */
export interface Interval {
  bounds: { op: Comparator; version: string }[];
}

export type VersionConstraint =
  | { kind: 'any'; text: string }
  /** `excluded`: the versions a VERS "!=" takes out of the whole range. */
  | { kind: 'intervals'; intervals: Interval[]; excluded?: string[]; text: string }
  | { kind: 'unparsed'; text: string };

export type Truth = true | false | 'unknown';

/**
 * A range in any of the forms advisories use, read by the one range grammar (parseVers: VERS and the free forms,
 * "<v14", ">=12.7.1|<=12.7.6", "all versions"). Its bounds are then paired into intervals in the advisory's own
 * order, so a Cisco train or a version the scheme cannot sort still reads.
 */
export function parseVersionRange(text: string): VersionConstraint {
  const raw = text.trim();
  const range = parseVers(raw);
  if (!range) return { kind: 'unparsed', text: raw };
  if (range.all) return { kind: 'any', text: raw };
  // vers:none: no version is in
  if (range.none) return { kind: 'intervals', intervals: [], text: raw };
  const bounds = range.constraints
    .filter((c) => c.comparator !== '!=')
    .map((c) => ({ op: c.comparator, version: c.version }));
  const excluded = range.constraints.filter((c) => c.comparator === '!=').map((c) => c.version);
  return { kind: 'intervals', intervals: pairBounds(bounds), ...(excluded.length ? { excluded } : {}), text: raw };
}

/** Lower bounds open an interval, upper bounds close it; an equality stands alone (VERS §"version range"). */
function pairBounds(bounds: { op: Comparator; version: string }[]): Interval[] {
  const intervals: Interval[] = [];
  let open: Interval | undefined;
  for (const bound of bounds) {
    if (bound.op === '=') {
      intervals.push({ bounds: [bound] });
      continue;
    }
    if (bound.op === '>' || bound.op === '>=') {
      if (open) intervals.push(open);
      open = { bounds: [bound] };
      continue;
    }
    if (open) {
      open.bounds.push(bound);
      intervals.push(open);
      open = undefined;
    } else intervals.push({ bounds: [bound] });
  }
  if (open) intervals.push(open);
  return intervals;
}

/** NVD's four optional bounds; none means "this exact CPE version". */
export function nvdConstraint(bounds: {
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}): VersionConstraint | undefined {
  const list: { op: Comparator; version: string }[] = [];
  if (bounds.versionStartIncluding) list.push({ op: '>=', version: bounds.versionStartIncluding });
  if (bounds.versionStartExcluding) list.push({ op: '>', version: bounds.versionStartExcluding });
  if (bounds.versionEndIncluding) list.push({ op: '<=', version: bounds.versionEndIncluding });
  if (bounds.versionEndExcluding) list.push({ op: '<', version: bounds.versionEndExcluding });
  if (!list.length) return undefined;
  return { kind: 'intervals', intervals: [{ bounds: list }], text: list.map((b) => `${b.op}${b.version}`).join(' ') };
}

/** OSV's bounds, and NVD's under shorter names. */
export interface VersionBounds {
  /** OSV `introduced`: version >= introduced ("0" means from the first version). */
  introduced?: string;
  /** OSV `fixed`: version < fixed. */
  fixed?: string;
  /** OSV `last_affected`: version <= lastAffected. */
  lastAffected?: string;
  startIncluding?: string;
  startExcluding?: string;
  endIncluding?: string;
  endExcluding?: string;
}

/** One interval of every bound given; none at all is every version. For OSV ranges wherever purls are given. */
export function boundsConstraint(bounds: VersionBounds): VersionConstraint {
  const list: { op: Comparator; version: string }[] = [];
  const add = (op: Comparator, version: string | undefined) => {
    if (version !== undefined && version !== '' && version !== '*') list.push({ op, version });
  };
  if (bounds.introduced !== '0') add('>=', bounds.introduced);
  add('<', bounds.fixed);
  add('<=', bounds.lastAffected);
  add('>=', bounds.startIncluding);
  add('>', bounds.startExcluding);
  add('<=', bounds.endIncluding);
  add('<', bounds.endExcluding);
  const text = list.map((b) => `${b.op}${b.version}`).join(' ');
  return list.length ? { kind: 'intervals', intervals: [{ bounds: list }], text } : { kind: 'any', text: '*' };
}

export function exactVersion(version: string): VersionConstraint {
  return { kind: 'intervals', intervals: [{ bounds: [{ op: '=', version }] }], text: `=${version}` };
}

/**
 * Does `version` satisfy the constraint, in `scheme`? "unknown" with why when a comparison it needs is impossible:
 * a bound that proves the version outside an interval wins over one that cannot be compared (Kleene AND), an
 * interval that holds wins over one that is unknown (Kleene OR), and a version a "!=" may name is unknown.
 */
export function satisfies(
  constraint: VersionConstraint,
  version: string,
  scheme: VersionScheme | undefined,
): { value: Truth; why?: string } {
  if (constraint.kind === 'any') return { value: true };
  if (constraint.kind === 'unparsed')
    return { value: 'unknown', why: `the range "${constraint.text}" is in a form patchcall cannot read` };
  if (!scheme) return { value: 'unknown', why: `no version scheme is known to compare ${version} in` };
  let excludedUnknown: string | undefined;
  for (const excluded of constraint.excluded ?? []) {
    const order = orderIn(scheme, '!=', version, excluded);
    if (order === 0) return { value: false };
    if (order === undefined) excludedUnknown ??= cannotOrder(version, excluded, scheme);
  }
  let sawUnknown: string | undefined;
  for (const interval of constraint.intervals) {
    let holds: Truth = true;
    let why: string | undefined;
    for (const bound of interval.bounds) {
      const order = orderIn(scheme, bound.op, version, bound.version);
      if (order === undefined) {
        holds = 'unknown';
        why ??= cannotOrder(version, bound.version, scheme);
        continue;
      }
      if (!test(bound.op, order)) {
        holds = false;
        break;
      }
    }
    if (holds === true) return excludedUnknown ? { value: 'unknown', why: excludedUnknown } : { value: true };
    if (holds === 'unknown') sawUnknown ??= why;
  }
  return sawUnknown ? { value: 'unknown', why: sawUnknown } : { value: false };
}

function cannotOrder(version: string, other: string, scheme: VersionScheme): string {
  return `${version} and ${other} cannot be ordered in the ${scheme} scheme`;
}

/** A Cisco release is one name in an enumeration: equal names are the release, different names are not. */
function orderIn(scheme: VersionScheme, op: Comparator, version: string, bound: string): -1 | 0 | 1 | undefined {
  if (scheme === 'cisco-ios' && (op === '=' || op === '!='))
    return version.toLowerCase() === bound.toLowerCase() ? 0 : 1;
  return compareIn(scheme, version, bound);
}

function test(op: Comparator, order: -1 | 0 | 1): boolean {
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}

const NUMERIC_DOTTED = /^\d+(\.\d+)*$/;

/**
 * The scheme's own comparison; where it cannot order two versions, only what is certain regardless of scheme: equal
 * text is equal, purely numeric dotted versions order numerically, and npm versions that semver reads follow semver.
 */
export function compareIn(scheme: VersionScheme, a: string, b: string): -1 | 0 | 1 | undefined {
  const own = compareVersions(scheme, a, b);
  if (own !== undefined) return own;
  if (a.toLowerCase() === b.toLowerCase()) return 0;
  if (scheme === 'semver' && semver.valid(a) && semver.valid(b)) return semver.compare(a, b);
  if (
    (scheme === 'generic' || scheme === 'semver' || scheme === 'maven') &&
    NUMERIC_DOTTED.test(a) &&
    NUMERIC_DOTTED.test(b)
  ) {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? 0) - (y[i] ?? 0);
      if (d) return d < 0 ? -1 : 1;
    }
    return 0;
  }
  return undefined;
}
