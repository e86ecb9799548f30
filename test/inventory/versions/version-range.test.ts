import { parseVers } from '../../../src/inventory/versions/version-range';
import {
  boundsConstraint,
  parseVersionRange,
  satisfies,
  type VersionBounds,
} from '../../../src/inventory/match/version-constraint';
import type { VersionScheme } from '../../../src/inventory/versions/compare-versions';

/** The one evaluator, as true / false / undefined (unknown). */
const verdict = (value: true | false | 'unknown') => (value === 'unknown' ? undefined : value);
const versionInRange = (scheme: VersionScheme, version: string, bounds: VersionBounds) =>
  verdict(satisfies(boundsConstraint(bounds), version, scheme).value);
/** VERS containment: the range's own scheme unless one is given. */
const versContains = (text: string, version: string, scheme = parseVers(text)?.scheme) =>
  verdict(satisfies(parseVersionRange(text), version, scheme).value);

describe('OSV and NVD bounds, three-valued', () => {
  it('reads OSV introduced/fixed and last_affected', () => {
    const log4shell = { introduced: '2.0-beta9', fixed: '2.15.0' };
    expect(versionInRange('maven', '2.14.1', log4shell)).toBe(true);
    expect(versionInRange('maven', '2.15.0', log4shell)).toBe(false);
    expect(versionInRange('maven', '1.2.17', log4shell)).toBe(false);
    expect(versionInRange('semver', '8.0.0', { introduced: '0', lastAffected: '8.0.0' })).toBe(true);
    expect(versionInRange('semver', '8.0.1', { introduced: '0', lastAffected: '8.0.0' })).toBe(false);
  });
  it('reads NVD start/end including/excluding', () => {
    const tomcat = { startIncluding: '9.0.0', endExcluding: '9.0.63' };
    expect(versionInRange('generic', '9.0.62', tomcat)).toBe(true);
    expect(versionInRange('generic', '9.0.63', tomcat)).toBe(false);
    expect(versionInRange('generic', '9.0.0', { startExcluding: '9.0.0' })).toBe(false);
    expect(versionInRange('generic', '9.0.63', { endIncluding: '9.0.63' })).toBe(true);
  });
  it('is unknown when a needed bound cannot be compared, but false when another bound proves it outside', () => {
    expect(versionInRange('generic', '9.0.62-redhat', { endExcluding: '9.0.63' })).toBeUndefined();
    expect(versionInRange('cisco-ios', '12.2(55)SE', { fixed: '15.0(2)SE' })).toBeUndefined();
    expect(versionInRange('generic', '1.0', { startIncluding: '2.0', endExcluding: '2.0rc1' })).toBe(false);
  });
  it('treats no bounds as every version', () => {
    expect(versionInRange('semver', '1.2.3', {})).toBe(true);
  });
});

describe('parseVers: the VERS spec', () => {
  it('parses scheme and constraints, with percent-decoding and spaces removed', () => {
    expect(parseVers('vers:npm/1.2.3|>=2.0.0|<5.0.0')).toEqual({
      versScheme: 'npm',
      scheme: 'semver',
      all: false,
      none: false,
      form: 'vers',
      constraints: [
        { comparator: '=', version: '1.2.3' },
        { comparator: '>=', version: '2.0.0' },
        { comparator: '<', version: '5.0.0' },
      ],
    });
    expect(parseVers('vers:pypi/ >= 1.0 | < 1.%2B2 ')?.constraints).toEqual([
      { comparator: '>=', version: '1.0' },
      { comparator: '<', version: '1.+2' },
    ]);
  });
  it('reads vers:all/* and a scheme with * as every version', () => {
    expect(parseVers('vers:all/*')).toMatchObject({ all: true, versScheme: 'all' });
    expect(parseVers('vers:maven/*')).toMatchObject({ all: true, scheme: 'maven' });
  });
  it('refuses what it cannot read', () => {
    expect(parseVers('vers:npm/')).toBeUndefined();
    expect(parseVers('versions before the fix')).toBeUndefined();
  });
});

describe('parseVers: the free forms advisories write', () => {
  it('reads <v14 as < 14', () => {
    expect(parseVers('<v14')).toEqual({
      all: false,
      none: false,
      form: 'free',
      constraints: [{ comparator: '<', version: '14' }],
    });
  });
  it('reads >=12.7.1|<=12.7.6 as a closed range', () => {
    const range = '>=12.7.1|<=12.7.6';
    expect(versContains(range, '12.7.3', 'generic')).toBe(true);
    expect(versContains(range, '12.7.6', 'generic')).toBe(true);
    expect(versContains(range, '12.7.7', 'generic')).toBe(false);
    expect(versContains(range, '12.6', 'generic')).toBe(false);
  });
  it('reads comma and space separated bounds, and "all versions"', () => {
    expect(parseVers('>=2.0, <2.3.1')?.constraints).toHaveLength(2);
    expect(parseVers('>= 2.0 < 2.3.1')?.constraints).toHaveLength(2);
    expect(parseVers('All versions')?.all).toBe(true);
  });
});

describe("VERS containment (the spec's test vectors) through the one evaluator", () => {
  const range = 'vers:npm/1.2.3|>=2.0.0|<5.0.0';
  it.each([
    ['1.2.3', true],
    ['1.2.4', false],
    ['2.0.0', true],
    ['4.9.9', true],
    ['5.0.0', false],
    ['0.1.0', false],
  ])('%s in vers:npm/1.2.3|>=2.0.0|<5.0.0 is %s', (version, expected) => {
    expect(versContains(range, version)).toBe(expected);
  });
  it('handles disjoint branches, != and single open bounds', () => {
    const django = 'vers:pypi/>=2.2|<2.2.28|>=3.2|<3.2.13|!=3.2.5';
    expect(versContains(django, '2.2.27')).toBe(true);
    expect(versContains(django, '3.0')).toBe(false);
    expect(versContains(django, '3.2.5')).toBe(false);
    expect(versContains(django, '3.2.6')).toBe(true);
    expect(versContains('vers:npm/<8.0.1', '8.0.0')).toBe(true);
    expect(versContains('vers:npm/>8.0.1', '8.0.0')).toBe(false);
  });
  it('is unknown without a scheme or when a version cannot be compared', () => {
    expect(versContains('<v14', '13')).toBeUndefined();
    expect(versContains('vers:npm/<8.0.1', 'next')).toBeUndefined();
    expect(versContains('vers:hex/<1.0', '0.9')).toBeUndefined();
    expect(versContains('vers:all/*', 'anything')).toBe(true);
  });
  it('takes a "!=" version out of the whole range, and is unknown when it cannot tell whether it is that one', () => {
    expect(versContains('vers:npm/!=1.0.0', '2.0.0')).toBe(false);
    expect(versContains('vers:npm/>=1.0.0|!=1.5.0|<2.0.0', '3.0.0')).toBe(false);
    expect(versContains('vers:npm/>=1.0.0|!=1.5.0|<2.0.0', '1.5.0')).toBe(false);
    expect(versContains('vers:npm/>=1.0.0|!=1.5.0|<2.0.0', '1.4.0')).toBe(true);
    expect(versContains('vers:generic/>=1.0|!=1.5-beta|<2.0', '1.4')).toBeUndefined();
  });
  it("reads a Cisco release list, which the spec's algorithm cannot sort, as an enumeration", () => {
    expect(versContains('vers:cisco/=12.2(55)SE|=15.0(2)SE', '15.0(2)SE')).toBe(true);
    expect(versContains('vers:cisco/=12.2(55)SE|=15.0(2)SE', '12.2(58)SE')).toBe(false);
  });
});

describe('the contracts together: an SBOM package against advisory ranges', () => {
  it('log4j-core 2.14.1 from a Syft SBOM is inside Log4Shell ranges written three ways', () => {
    const installed = '2.14.1';
    expect(versionInRange('maven', installed, { introduced: '2.0-beta9', fixed: '2.15.0' })).toBe(true);
    expect(versContains('vers:maven/>=2.0-beta9|<2.15.0', installed)).toBe(true);
    expect(versionInRange('maven', installed, { startIncluding: '2.13.0', endExcluding: '2.15.0' })).toBe(true);
    expect(versionInRange('maven', '2.17.1', { introduced: '2.0-beta9', fixed: '2.15.0' })).toBe(false);
  });
  it('an RPM build below the errata fix is in range; an unreleased one cannot be told', () => {
    expect(versionInRange('rpm', '1:9.0.62-37.el8', { fixed: '1:9.0.62-37.el8_6.2' })).toBe(true);
    expect(versionInRange('rpm', '1:9.0.62-37.el8_6.2', { fixed: '1:9.0.62-37.el8_6.2' })).toBe(false);
    expect(versionInRange('rpm', '9.0.62', { fixed: '9.0.62-37.el8_6.2' })).toBeUndefined();
  });
});

describe('matching reads ranges with the same grammar (parseVersionRange through parseVers)', () => {
  it.each([
    ['<v14', '13.9.0', true],
    ['<v14', '14.0.0', false],
    ['>=12.7.1|<=12.7.6', '12.7.4', true],
    ['>=12.7.1|<=12.7.6', '12.7.7', false],
    ['vers:npm/>=1.0.0|<1.2.3', '1.2.2', true],
    ['vers:npm/>=1.0.0|<1.2.3', '1.2.3', false],
    ['vers:none/*', '1.0.0', false],
    ['all versions', '0.0.1', true],
  ])('%s contains %s: %s', (range, version, expected) => {
    expect(parseVers(range)).toBeDefined();
    expect(satisfies(parseVersionRange(range), version, 'semver').value).toBe(expected);
  });

  it('leaves what neither reads unparsed, so matching says unknown', () => {
    expect(parseVers('1.0 to 2.0')).toBeUndefined();
    expect(satisfies(parseVersionRange('1.0 to 2.0'), '1.5.0', 'semver').value).toBe('unknown');
  });
});
