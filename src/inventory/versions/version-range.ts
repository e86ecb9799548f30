/**
 * Three-valued range membership over one version scheme: the range forms advisories use (OSV introduced / fixed /
 * last_affected, NVD versionStart/End Including/Excluding) and purl VERS (`vers:npm/>=1.0.0|<1.2.3`) with the free
 * forms real CSAF files carry instead (`<v14`, `>=12.7.1|<=12.7.6`, `vers:all/*`, `all versions`).
 *
 * true = in the range, false = provably outside it, undefined = some bound could not be compared (then the
 * caller reports unknown). A bound that proves "outside" wins over one that cannot be compared.
 */
import { compareVersions, type VersionScheme } from './compare-versions';

export interface VersionBounds {
  /** OSV `introduced`: version >= introduced ("0" means from the first version). */
  introduced?: string;
  /** OSV `fixed`: version < fixed. */
  fixed?: string;
  /** OSV `last_affected`: version <= lastAffected. */
  lastAffected?: string;
  /** NVD versionStartIncluding / versionStartExcluding / versionEndIncluding / versionEndExcluding. */
  startIncluding?: string;
  startExcluding?: string;
  endIncluding?: string;
  endExcluding?: string;
}

type Tri = boolean | undefined;

/** AND over three values: false beats undefined beats true. */
function all(values: Tri[]): Tri {
  if (values.includes(false)) return false;
  if (values.includes(undefined)) return undefined;
  return true;
}

function holds(scheme: VersionScheme, version: string, comparator: Comparator, bound: string): Tri {
  const result = compareVersions(scheme, version, bound);
  if (result === undefined) return undefined;
  switch (comparator) {
    case '=':
      return result === 0;
    case '!=':
      return result !== 0;
    case '<':
      return result < 0;
    case '<=':
      return result <= 0;
    case '>':
      return result > 0;
    case '>=':
      return result >= 0;
  }
}

/** Is `version` inside the bounds? No bounds at all means every version. */
export function versionInRange(scheme: VersionScheme, version: string, bounds: VersionBounds): boolean | undefined {
  const checks: Tri[] = [];
  const check = (comparator: Comparator, bound: string | undefined): void => {
    if (bound === undefined || bound === '' || bound === '*') return;
    checks.push(holds(scheme, version, comparator, bound));
  };
  if (bounds.introduced !== '0') check('>=', bounds.introduced);
  check('<', bounds.fixed);
  check('<=', bounds.lastAffected);
  check('>=', bounds.startIncluding);
  check('>', bounds.startExcluding);
  check('<=', bounds.endIncluding);
  check('<', bounds.endExcluding);
  return all(checks);
}

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface VersConstraint {
  comparator: Comparator;
  version: string;
}

export interface VersRange {
  /** The versioning scheme as written (`npm`, `maven`, `all`, …); absent for free forms. */
  versScheme?: string;
  /** patchcall's comparison scheme for it, when there is one. */
  scheme?: VersionScheme;
  /** `vers:<scheme>/*` or `vers:all/…`, "all versions": every version is in. */
  all: boolean;
  /** `vers:none/…`: no version is in. */
  none: boolean;
  constraints: VersConstraint[];
  /** Which grammar read it: the VERS spec, or the free text forms advisories use. */
  form: 'vers' | 'free';
}

const VERS_SCHEMES: Record<string, VersionScheme> = {
  npm: 'semver',
  semver: 'semver',
  golang: 'semver',
  cargo: 'semver',
  pypi: 'pep440',
  maven: 'maven',
  rpm: 'rpm',
  deb: 'deb',
  generic: 'generic',
  cisco: 'cisco-ios',
};

const COMPARATOR = /^(>=|<=|!=|==|=|<|>)?\s*(.*)$/;

function constraintsOf(text: string, separators: RegExp): VersConstraint[] | undefined {
  const parts = text
    .split(separators)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return undefined;
  const constraints: VersConstraint[] = [];
  for (const part of parts) {
    const [, comparator = '=', raw = ''] = COMPARATOR.exec(part)!;
    // "<v14": advisories prefix versions with "v"; the version is what follows
    const version = percentDecoded(raw.trim())?.replace(/^v(?=\d)/i, '');
    if (!version || /[<>=!\s]/.test(version)) return undefined;
    constraints.push({ comparator: (comparator === '==' ? '=' : comparator) as Comparator, version });
  }
  return constraints;
}

function percentDecoded(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * A range string → constraints, or undefined when it is neither VERS nor a free form patchcall reads. Free forms:
 * `<v14`, `<=1.2.3`, `>=12.7.1|<=12.7.6`, `>=2.0, <2.3.1`, `1.2.3` (one version), `*` / `all versions`.
 */
export function parseVers(text: string): VersRange | undefined {
  const trimmed = text.trim();
  const vers = /^vers:([a-z0-9.+-]+)\/(.*)$/i.exec(trimmed.replace(/\s+/g, ''));
  if (vers) {
    const versScheme = vers[1]!.toLowerCase();
    const body = vers[2]!;
    const scheme = VERS_SCHEMES[versScheme];
    const base = { versScheme, ...(scheme ? { scheme } : {}), form: 'vers' as const };
    // VERS writes "no version" as vers:none/*: the scheme decides before the star
    if (versScheme === 'none') return { ...base, all: false, none: true, constraints: [] };
    if (versScheme === 'all' || body === '*') return { ...base, all: true, none: false, constraints: [] };
    const constraints = constraintsOf(body, /\|+/);
    return constraints ? { ...base, all: false, none: false, constraints } : undefined;
  }
  if (/^(\*|all|all versions|any|any version)$/i.test(trimmed))
    return { all: true, none: false, constraints: [], form: 'free' };
  const constraints = constraintsOf(trimmed, /\s*[|,]\s*|\s+(?=[<>=!])/);
  return constraints ? { all: false, none: false, constraints, form: 'free' } : undefined;
}

/**
 * VERS containment (the spec's "checking if a version is contained within a range"): constraints sorted by
 * version; an equal version on =, <= or >= is in, on != out; then the <, <=, >, >= constraints are read pairwise
 * as alternating lower and upper bounds. undefined when a needed comparison fails (including sorting).
 */
export function versContains(range: VersRange, version: string, scheme = range.scheme): boolean | undefined {
  if (range.all) return true;
  if (range.none) return false;
  if (!scheme) return undefined;
  const sorted = sortConstraints(range.constraints, scheme);
  if (!sorted) return undefined;
  for (const c of sorted) {
    const equal = compareVersions(scheme, version, c.version);
    if (equal === undefined) return undefined;
    if (equal === 0) {
      if (c.comparator === '!=') return false;
      if (c.comparator !== '<' && c.comparator !== '>') return true;
    }
  }
  const bounds = sorted.filter((c) => c.comparator !== '=' && c.comparator !== '!=');
  const less = (c: VersConstraint): boolean => c.comparator === '<' || c.comparator === '<=';
  const greater = (c: VersConstraint): boolean => c.comparator === '>' || c.comparator === '>=';
  const cmp = (other: string): -1 | 0 | 1 => compareVersions(scheme, version, other)!;
  if (bounds.length === 1) {
    const only = bounds[0]!;
    return less(only) ? cmp(only.version) < 0 : cmp(only.version) > 0;
  }
  for (let i = 0; i + 1 < bounds.length; i++) {
    const current = bounds[i]!;
    const next = bounds[i + 1]!;
    if (i === 0 && less(current) && cmp(current.version) < 0) return true;
    if (i + 2 === bounds.length && greater(next) && cmp(next.version) > 0) return true;
    if (greater(current) && less(next) && cmp(current.version) > 0 && cmp(next.version) < 0) return true;
  }
  return false;
}

function sortConstraints(constraints: VersConstraint[], scheme: VersionScheme): VersConstraint[] | undefined {
  let comparable = true;
  const sorted = [...constraints].sort((a, b) => {
    const result = compareVersions(scheme, a.version, b.version);
    if (result === undefined) comparable = false;
    return result ?? 0;
  });
  return comparable ? sorted : undefined;
}
