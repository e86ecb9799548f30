/**
 * NuGet versions (NuGet.Versioning's NuGetVersion and VersionComparer.Default): one to four numeric parts, missing
 * parts are 0 (1.0 = 1.0.0.0), leading zeros allowed (1.01 = 1.1); a release label after "-" makes a prerelease,
 * compared identifier by identifier: numbers as numbers and below words, words case-insensitively; build metadata
 * after "+" does not order.
 */

const IDENTIFIER = /^[0-9A-Za-z-]+$/;

interface NuGetVersion {
  parts: number[];
  release: string[];
}

export function parseNuGetVersion(text: string): NuGetVersion | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const plus = trimmed.indexOf('+');
  const withoutMetadata = plus >= 0 ? trimmed.slice(0, plus) : trimmed;
  if (
    plus >= 0 &&
    !trimmed
      .slice(plus + 1)
      .split('.')
      .every((id) => IDENTIFIER.test(id))
  )
    return undefined;
  const dash = withoutMetadata.indexOf('-');
  const numbers = dash >= 0 ? withoutMetadata.slice(0, dash) : withoutMetadata;
  const label = dash >= 0 ? withoutMetadata.slice(dash + 1) : undefined;
  const parts = numbers.split('.');
  if (parts.length > 4 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const release = label === undefined ? [] : label.split('.');
  if (label !== undefined && !release.every((id) => IDENTIFIER.test(id))) return undefined;
  const values = parts.map(Number);
  while (values.length < 4) values.push(0);
  return { parts: values, release };
}

export function compareNuGet(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseNuGetVersion(a);
  const y = parseNuGetVersion(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 4; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i]! < y.parts[i]! ? -1 : 1;
  if (!x.release.length || !y.release.length)
    return x.release.length === y.release.length ? 0 : x.release.length ? -1 : 1;
  for (let i = 0; i < Math.min(x.release.length, y.release.length); i++) {
    const order = compareIdentifier(x.release[i]!, y.release[i]!);
    if (order) return order;
  }
  return x.release.length === y.release.length ? 0 : x.release.length < y.release.length ? -1 : 1;
}

function compareIdentifier(a: string, b: string): -1 | 0 | 1 {
  const numeric = (s: string) => /^\d+$/.test(s);
  if (numeric(a) && numeric(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (numeric(a) !== numeric(b)) return numeric(a) ? -1 : 1;
  const [x, y] = [a.toUpperCase(), b.toUpperCase()];
  return x === y ? 0 : x < y ? -1 : 1;
}
