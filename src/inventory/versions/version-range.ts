/**
 * The one range grammar: purl VERS (`vers:npm/>=1.0.0|<1.2.3`) with the free forms real CSAF files carry instead
 * (`<v14`, `>=12.7.1|<=12.7.6`, `vers:all/*`, `all versions`). It reads; `satisfies` in
 * src/inventory/match/version-constraint.ts is the one evaluator (VERS containment included).
 */
import type { VersionScheme } from './compare-versions';

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
  golang: 'golang',
  cargo: 'cargo',
  gem: 'gem',
  nuget: 'nuget',
  composer: 'composer',
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
