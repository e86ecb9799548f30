/**
 * Go module versions (golang.org/x/mod/semver): semantic versions with a mandatory "v", where "v1" and "v1.2" are
 * shorthands for v1.0.0 and v1.2.0 (without prerelease or build). Build metadata ("+incompatible") does not order;
 * pseudo-versions (v1.2.4-0.20191109021931-daa7c04131f5) are prereleases and sort between their base version and
 * the next release, as the Go modules reference designs them. OSV writes Go versions without the "v": a version
 * without one is read as if it had it.
 */
import semver from 'semver';

const GO_SEMVER =
  /^v(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?)?$/;

/** The canonical form without the "v" ("1.2.0", "1.2.3-pre"), or undefined when Go would not accept it. */
export function goCanonical(text: string): string | undefined {
  const trimmed = text.trim();
  const m = GO_SEMVER.exec(trimmed.startsWith('v') ? trimmed : `v${trimmed}`);
  if (!m) return undefined;
  const [, major, minor = '0', patch = '0', pre = ''] = m;
  const canonical = `${major}.${minor}.${patch}${pre}`;
  // numeric prerelease identifiers with leading zeros: Go refuses them as semver does
  return semver.valid(canonical) ? canonical : undefined;
}

export function compareGo(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = goCanonical(a);
  const y = goCanonical(b);
  if (x === undefined || y === undefined) return undefined;
  return semver.compare(x, y);
}
