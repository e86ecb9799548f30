/**
 * RubyGems versions (Gem::Version), through `@renovatebot/ruby-semver`, Renovate's port of Gem::Version: segments
 * split at dots and at letter/digit changes, a letter segment makes a prerelease (1.8.2.a < 1.8.2), "-" reads as
 * ".pre." (1.0.0-rc1 < 1.0.0), trailing zeros do not count (1.0 = 1.0.0).
 */
import { eq, lt, valid } from '@renovatebot/ruby-semver';

export function compareGem(a: string, b: string): -1 | 0 | 1 | undefined {
  // Gem::Version reads "" as "0"; an advisory bound or an installed version that is empty says nothing
  if (!a.trim() || !b.trim() || valid(a) === null || valid(b) === null) return undefined;
  if (eq(a, b)) return 0;
  return lt(a, b) ? -1 : 1;
}
