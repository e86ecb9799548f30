/**
 * Version comparison per scheme: the one place matching asks "is a before b?". Each scheme follows its ecosystem's
 * own rules: npm's semver (`semver`), PyPI's PEP 440 (`@renovatebot/pep440`), Maven's ComparableVersion,
 * rpmvercmp with epoch:version-release, dpkg, RubyGems (`@renovatebot/ruby-semver`), Go modules, Cargo (strict
 * SemVer 2), NuGet, Composer, generic dotted numbers, Cisco IOS rebuilds.
 *
 * `undefined` means "cannot compare" (a string the scheme cannot read, two Cisco trains, a build without release
 * against one with): callers must treat it as unknown, never as a guess in either direction.
 */
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { compareIos } from './cisco-ios-version';
import { compareComposer } from './composer-version';
import { compareDeb } from './deb-version';
import { compareGem } from './gem-version';
import { compareGeneric } from './generic-version';
import { compareGo } from './go-version';
import { compareMaven } from './maven-version';
import { compareNuGet } from './nuget-version';
import { compareRpm } from './rpm-version';

export type VersionScheme =
  | 'semver'
  | 'pep440'
  | 'maven'
  | 'rpm'
  | 'deb'
  | 'gem'
  | 'golang'
  | 'cargo'
  | 'nuget'
  | 'composer'
  | 'generic'
  | 'cisco-ios';

export const VERSION_SCHEMES: readonly VersionScheme[] = [
  'semver',
  'pep440',
  'maven',
  'rpm',
  'deb',
  'gem',
  'golang',
  'cargo',
  'nuget',
  'composer',
  'generic',
  'cisco-ios',
];

/** -1 when a < b, 0 when equal, 1 when a > b; undefined when the scheme cannot order the two. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): -1 | 0 | 1 | undefined {
  switch (scheme) {
    case 'semver':
      return compareSemver(a, b);
    case 'pep440':
      return comparePep440(a, b);
    case 'maven':
      return compareMaven(a, b);
    case 'rpm':
      return compareRpm(a, b);
    case 'deb':
      return compareDeb(a, b);
    case 'gem':
      return compareGem(a, b);
    case 'golang':
      return compareGo(a, b);
    case 'cargo':
      return compareCargo(a, b);
    case 'nuget':
      return compareNuGet(a, b);
    case 'composer':
      return compareComposer(a, b);
    case 'generic':
      return compareGeneric(a, b);
    case 'cisco-ios':
      return compareIos(a, b);
  }
}

/** Loose semver accepts the "v1.2.3" npm itself accepts; build metadata does not order (semver §10). */
function compareSemver(a: string, b: string): -1 | 0 | 1 | undefined {
  const options = { loose: true };
  if (!semver.valid(a.trim(), options) || !semver.valid(b.trim(), options)) return undefined;
  return semver.compare(a.trim(), b.trim(), options);
}

/** Cargo follows SemVer 2 strictly (the semver crate): no "v", no leading zeros; build metadata does not order. */
function compareCargo(a: string, b: string): -1 | 0 | 1 | undefined {
  if (!semver.valid(a.trim()) || !semver.valid(b.trim()) || /^v/i.test(a.trim()) || /^v/i.test(b.trim()))
    return undefined;
  return semver.compare(a.trim(), b.trim());
}

function comparePep440(a: string, b: string): -1 | 0 | 1 | undefined {
  if (!pep440.valid(a.trim()) || !pep440.valid(b.trim())) return undefined;
  const result = pep440.compare(a.trim(), b.trim());
  return result < 0 ? -1 : result > 0 ? 1 : 0;
}

/**
 * The scheme a purl type's versions follow (https://github.com/package-url/purl-spec types), or undefined when
 * patchcall has no rules for that ecosystem (hex, apk, conan, generic… are not guessed).
 */
export function schemeForPurlType(type: string): VersionScheme | undefined {
  return PURL_SCHEMES[type.toLowerCase()];
}

const PURL_SCHEMES: Record<string, VersionScheme> = {
  npm: 'semver',
  cargo: 'cargo',
  golang: 'golang',
  gem: 'gem',
  nuget: 'nuget',
  composer: 'composer',
  pypi: 'pep440',
  maven: 'maven',
  rpm: 'rpm',
  deb: 'deb',
};
