import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, schemeForPurlType } from '../../../src/inventory/versions/compare-versions';
import { parseIosRelease } from '../../../src/inventory/versions/cisco-ios-version';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/versions', name), 'utf8');

describe('rpm: rpmvercmp reference vectors (rpm tests/rpmvercmp.at)', () => {
  const cases = [...fixture('rpmvercmp.at').matchAll(/^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)$/gm)].map((m) => [
    m[1]!,
    m[2]!,
    Number(m[3]),
  ]);
  it('reads every vector', () => expect(cases.length).toBeGreaterThan(90));
  it.each(cases)('rpmvercmp(%s, %s) = %d', (a, b, expected) => {
    expect(compareVersions('rpm', a as string, b as string)).toBe(expected);
  });
});

describe('rpm: epoch:version-release', () => {
  it('orders by epoch first, then version, then release', () => {
    expect(compareVersions('rpm', '1:1.0-1', '2.0-1')).toBe(1);
    expect(compareVersions('rpm', '0:9.0.62-1.el8', '9.0.62-2.el8')).toBe(-1);
    expect(compareVersions('rpm', '9.0.62-1.el8_6.2', '9.0.62-1.el8_6.1')).toBe(1);
    expect(compareVersions('rpm', '1:9.0.62-1.el8', '9.0.70-1.el8')).toBe(1);
  });
  it('cannot order an equal version when only one side names the release', () => {
    expect(compareVersions('rpm', '9.0.62', '9.0.62-1.el8')).toBeUndefined();
    expect(compareVersions('rpm', '9.0.61', '9.0.62-1.el8')).toBe(-1);
  });
  it('refuses what is no EVR', () => {
    expect(compareVersions('rpm', 'x:1.0', '1.0')).toBeUndefined();
    expect(compareVersions('rpm', '', '1.0')).toBeUndefined();
  });
});

describe('deb: dpkg reference vectors (dpkg scripts/t/Dpkg_Version.t)', () => {
  const cases = fixture('Dpkg_Version.t.data')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));
  it.each(cases)('%s cmp %s = %s', (a, b, expected) => {
    expect(compareVersions('deb', a!, b!)).toBe(Number(expected));
  });
  it('refuses an epoch that is not a number and characters dpkg rejects', () => {
    expect(compareVersions('deb', '10a:5.2', '5.2')).toBeUndefined();
    expect(compareVersions('deb', '5.2@3-2', '5.2')).toBeUndefined();
  });
});

describe('maven: ComparableVersion reference vectors (maven-artifact ComparableVersionTest)', () => {
  const data = JSON.parse(fixture('maven-comparable-version.json')) as {
    VERSIONS_QUALIFIER: string[];
    VERSIONS_NUMBER: string[];
    equal: [string, string][];
    less: [string, string][];
  };
  const ascending = (list: string[]): [string, string][] =>
    list.flatMap((low, i) => list.slice(i + 1).map((high): [string, string] => [low, high]));
  it.each([...ascending(data.VERSIONS_QUALIFIER), ...ascending(data.VERSIONS_NUMBER), ...data.less])(
    '%s < %s',
    (low, high) => {
      expect(compareVersions('maven', low, high)).toBe(-1);
      expect(compareVersions('maven', high, low)).toBe(1);
    },
  );
  it.each(data.equal)('%s == %s', (a, b) => {
    expect(compareVersions('maven', a, b)).toBe(0);
    expect(compareVersions('maven', b, a)).toBe(0);
  });
});

describe('semver: node-semver comparison fixtures, through the semver package', () => {
  const pairs = JSON.parse(fixture('semver-comparisons.json')) as [string, string][];
  it.each(pairs)('%s > %s', (greater, smaller) => {
    expect(compareVersions('semver', greater, smaller)).toBe(1);
    expect(compareVersions('semver', smaller, greater)).toBe(-1);
  });
  it('ignores build metadata and refuses what is not semver', () => {
    expect(compareVersions('semver', '1.2.3+build.1', '1.2.3')).toBe(0);
    expect(compareVersions('semver', '1.2', '1.2.0')).toBeUndefined();
    expect(compareVersions('semver', 'latest', '1.2.0')).toBeUndefined();
  });
});

describe('pep440: the PEP and pypa/packaging orderings, through @renovatebot/pep440', () => {
  const lists = fixture('pep440-ordering.txt')
    .split(/^#.*$/m)
    .map((block) => block.split('\n').filter(Boolean))
    .filter((list) => list.length);
  const pairs = lists.flatMap((list) => list.slice(1).map((high, i): [string, string] => [list[i]!, high]));
  it('reads both lists', () => expect(lists).toHaveLength(2));
  it.each(pairs)('%s < %s', (low, high) => {
    expect(compareVersions('pep440', low, high)).toBe(-1);
    expect(compareVersions('pep440', high, low)).toBe(1);
  });
  it('normalises equal spellings and refuses non-PEP 440 strings', () => {
    expect(compareVersions('pep440', '1.0.0', '1.0')).toBe(0);
    expect(compareVersions('pep440', '1.0-alpha1', '1.0a1')).toBe(0);
    expect(compareVersions('pep440', 'french toast', '1.0')).toBeUndefined();
  });
});

describe('generic dotted versions', () => {
  it.each([
    ['2.4.49', '2.4.50', -1],
    ['9.0.62', '9.0.7', 1],
    ['1.0', '1.0.0', 0],
    ['v14', '14.0', 0],
    ['1.1.1', '1.1.1a', -1],
    ['1.1.1k', '1.1.1w', -1],
    ['10.0.17763', '10.0.14393', 1],
  ])('%s vs %s = %d', (a, b, expected) => {
    expect(compareVersions('generic', a as string, b as string)).toBe(expected);
  });
  it('does not guess about words whose order the publisher defines', () => {
    expect(compareVersions('generic', '2.0rc1', '2.0')).toBeUndefined();
    expect(compareVersions('generic', '2.0-beta', '2.0')).toBeUndefined();
  });
});

describe('Cisco IOS releases as data', () => {
  it('parses the train, maintenance release and rebuild', () => {
    expect(parseIosRelease('12.2(55)SE3')).toEqual({
      major: '12.2',
      maintenance: { number: 55, letter: '' },
      train: 'SE',
      rebuild: { number: 3, letter: '' },
    });
    expect(parseIosRelease('12.2(33)SXI4a')?.rebuild).toEqual({ number: 4, letter: 'a' });
    expect(parseIosRelease('Cisco IOS 15.2(7)E3')?.train).toBe('E');
    expect(parseIosRelease('16.9.4')).toBeUndefined();
  });
  it('orders rebuilds of one release of a train', () => {
    expect(compareVersions('cisco-ios', '12.2(55)SE', '12.2(55)SE3')).toBe(-1);
    expect(compareVersions('cisco-ios', '12.2(55)SE10', '12.2(55)SE9')).toBe(1);
    expect(compareVersions('cisco-ios', '12.2(55)SE3', '12.2(55)SE3')).toBe(0);
  });
  it('cannot order across trains, nor across maintenance releases whose rebuilds interleave', () => {
    expect(compareVersions('cisco-ios', '12.2(55)SE', '15.0(2)SE')).toBeUndefined();
    expect(compareVersions('cisco-ios', '12.2(33)SXI4a', '12.2(55)SE')).toBeUndefined();
    expect(compareVersions('cisco-ios', '12.2(58)SE2', '12.2(55)SE10')).toBeUndefined();
  });
});

describe('schemeForPurlType', () => {
  it('maps the ecosystems patchcall can order and no others', () => {
    expect(schemeForPurlType('npm')).toBe('semver');
    expect(schemeForPurlType('pypi')).toBe('pep440');
    expect(schemeForPurlType('maven')).toBe('maven');
    expect(schemeForPurlType('rpm')).toBe('rpm');
    expect(schemeForPurlType('deb')).toBe('deb');
    expect(schemeForPurlType('gem')).toBeUndefined();
    expect(schemeForPurlType('generic')).toBeUndefined();
  });
});
