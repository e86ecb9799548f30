/**
 * Composer (Packagist) versions, as composer/semver reads them: `VersionParser::normalize` makes every version
 * four numbers with a stability suffix ("1.0.0RC1dev" → "1.0.0.0-RC1-dev", "v1.0" → "1.0.0.0", "1.x-dev" →
 * "1.9999999.9999999.9999999-dev", dates "2010-01-02" → "2010.01.02"), and PHP's `version_compare` orders the
 * results: dev < alpha < beta < RC < a release < patch. Branches ("dev-main") are below every numbered version and
 * equal only to themselves; two different branches do not order.
 */

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATED = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** composer/semver's normalized form, or undefined where it throws "Invalid version string". */
export function normalizeComposer(text: string): string | undefined {
  let version = text.trim();
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1]!;
  version = version.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (['master', 'trunk', 'default'].includes(version)) version = `dev-${version}`;
  if (/^dev-/i.test(version)) return `dev-${version.slice(4)}`;
  const metadata = /^([^,\s+]+)\+\S+$/.exec(version);
  if (metadata) version = metadata[1]!;
  const classical = CLASSICAL.exec(version);
  if (classical) {
    const [, major, minor, patch, build] = classical;
    return withModifiers(`${major}${minor ?? '.0'}${patch ?? '.0'}${build ?? '.0'}`, classical.slice(5));
  }
  const dated = DATED.exec(version);
  if (dated) return withModifiers(dated[1]!.replace(/\D/g, '.'), dated.slice(2));
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  const branch = dev && BRANCH.exec(dev[1]!);
  if (!branch) return undefined;
  const parts = [1, 2, 3, 4].map((i) => (branch[i] ?? '.x').replace(/[*X]/g, 'x'));
  return `${parts.join('').replace(/x/g, '9999999')}-dev`;
}

function withModifiers(version: string, [stability, number, dev]: (string | undefined)[]): string {
  let out = version;
  if (stability) {
    if (stability === 'stable') return out;
    out += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, '') : ''}`;
  }
  return dev ? `${out}-dev` : out;
}

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  return { a: 'alpha', b: 'beta', p: 'patch', pl: 'patch', rc: 'RC' }[lower] ?? lower;
}

export function compareComposer(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = normalizeComposer(a);
  const y = normalizeComposer(b);
  if (x === undefined || y === undefined) return undefined;
  const [xBranch, yBranch] = [x.startsWith('dev-'), y.startsWith('dev-')];
  if (xBranch && yBranch) return x === y ? 0 : undefined;
  return phpVersionCompare(x, y);
}

/** PHP's version_compare (ext/standard/versioning.c), on composer's normalized versions. */
export function phpVersionCompare(a: string, b: string): -1 | 0 | 1 {
  const x = canonical(a);
  const y = canonical(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = comparePart(x[i]!, y[i]!);
    if (order) return order;
  }
  if (x.length === y.length) return 0;
  const longer = x.length > y.length ? x[y.length]! : y[x.length]!;
  const sign = x.length > y.length ? 1 : -1;
  const rest = /^\d/.test(longer) ? 1 : comparePart(longer, '#N#');
  return (rest * sign) as -1 | 0 | 1;
}

function canonical(version: string): string[] {
  let out = '';
  let last = '';
  for (const ch of version) {
    const digit = /\d/.test(ch);
    const lastDigit = /\d/.test(last);
    const lastOther = last !== '' && last !== '.' && !lastDigit;
    if ('-_+'.includes(ch)) {
      if (!out.endsWith('.')) out += '.';
    } else if (out && ((lastOther && digit) || (lastDigit && ch !== '.' && !digit))) {
      if (!out.endsWith('.')) out += '.';
      out += ch;
    } else if (!/[0-9A-Za-z]/.test(ch)) {
      if (!out.endsWith('.')) out += '.';
    } else out += ch;
    last = ch;
  }
  return out.split('.').filter((part) => part !== '');
}

const SPECIAL: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function comparePart(a: string, b: string): -1 | 0 | 1 {
  const [aDigit, bDigit] = [/^\d/.test(a), /^\d/.test(b)];
  if (aDigit && bDigit) {
    const [x, y] = [BigInt(/^\d+/.exec(a)![0]), BigInt(/^\d+/.exec(b)![0])];
    return x === y ? 0 : x < y ? -1 : 1;
  }
  const rank = (part: string) => SPECIAL.find(([name]) => part.startsWith(name))?.[1] ?? -6;
  const [x, y] = [rank(aDigit ? '#N#' : a), rank(bDigit ? '#N#' : b)];
  return x === y ? 0 : x < y ? -1 : 1;
}
