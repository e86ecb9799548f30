import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, schemeForPurlType } from '../../../src/inventory/versions/compare-versions';
import { parseIosRelease } from '../../../src/inventory/versions/cisco-ios-version';
import { normalizeComposer } from '../../../src/inventory/versions/composer-version';

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
    expect(schemeForPurlType('gem')).toBe('gem');
    expect(schemeForPurlType('golang')).toBe('golang');
    expect(schemeForPurlType('cargo')).toBe('cargo');
    expect(schemeForPurlType('nuget')).toBe('nuget');
    expect(schemeForPurlType('composer')).toBe('composer');
    expect(schemeForPurlType('hex')).toBeUndefined();
    expect(schemeForPurlType('generic')).toBeUndefined();
  });
});

describe('gem: Gem::Version reference vectors (rubygems test_gem_version.rb)', () => {
  const data = JSON.parse(fixture('rubygems-version.json')) as {
    compare: [string, string, number][];
    equal: [string, string][];
    notEqual: [string, string][];
    less: [string, string][];
    invalid: string[];
  };
  it.each(data.compare)('%j <=> %j = %d', (a, b, expected) => expect(compareVersions('gem', a, b)).toBe(expected));
  it.each(data.equal)('%j == %j', (a, b) => expect(compareVersions('gem', a, b)).toBe(0));
  it.each(data.notEqual)('%j != %j', (a, b) => expect(compareVersions('gem', a, b)).not.toBe(0));
  it.each(data.less)('%j < %j', (a, b) => {
    expect(compareVersions('gem', a, b)).toBe(-1);
    expect(compareVersions('gem', b, a)).toBe(1);
  });
  it.each(data.invalid)('cannot order the malformed %j', (bad) =>
    expect(compareVersions('gem', bad, '1.0')).toBeUndefined(),
  );
});

describe('golang: golang.org/x/mod/semver reference vectors (semver_test.go)', () => {
  const data = JSON.parse(fixture('go-semver.json')) as {
    tests: [string, string][];
    compare: [string, string, number][];
    pseudoVersionsAscending: { versions: string[] };
  };
  // TestCompare: the list is ascending; equal canonical forms compare equal; invalid versions are left out, because
  // patchcall cannot order what Go calls invalid (Go itself ranks them below every valid one)
  const valid = data.tests.filter(([, canonical]) => canonical);
  const pairs = valid.flatMap(([a, ca], i) =>
    valid.map(([b, cb], j): [string, string, number] => [a, b, ca === cb ? 0 : i < j ? -1 : 1]),
  );
  it('reads every vector', () => expect(pairs.length).toBe(24 * 24));
  it.each(pairs)('Compare(%j, %j) = %d', (a, b, expected) => expect(compareVersions('golang', a, b)).toBe(expected));
  it.each(data.tests.filter(([, canonical]) => !canonical).map(([bad]) => bad))('refuses %j', (bad) =>
    expect(compareVersions('golang', bad, 'v1.0.0')).toBeUndefined(),
  );
  // the stored copy's {"v1.19", "v1.2", -1} is left out: it orders numbers as strings, against the semantic
  // versioning spec ("numerically") and against the prerelease rule of the same file (test/fixtures/versions/SOURCE.md)
  it.each(data.compare.filter(([a]) => a !== 'v1.19'))('Compare(%j, %j) = %d', (a, b, expected) =>
    expect(compareVersions('golang', a, b)).toBe(expected),
  );
  it('orders minor versions numerically (v1.19 > v1.2), as the semver spec says', () =>
    expect(compareVersions('golang', 'v1.19', 'v1.2')).toBe(1));
  it('puts a pseudo-version between its base and the next release; +incompatible does not order; OSV writes no v', () => {
    const [base, pseudo, next] = data.pseudoVersionsAscending.versions as [string, string, string];
    expect(compareVersions('golang', base, pseudo)).toBe(-1);
    expect(compareVersions('golang', pseudo, next)).toBe(-1);
    expect(compareVersions('golang', 'v2.0.0+incompatible', 'v2.0.0')).toBe(0);
    expect(compareVersions('golang', 'v2.0.1+incompatible', 'v2.0.0')).toBe(1);
    expect(compareVersions('golang', '1.20.5', 'v1.20.5')).toBe(0);
  });
});

describe('cargo: SemVer 2, strictly', () => {
  it('orders prereleases below releases and ignores build metadata', () => {
    expect(compareVersions('cargo', '1.0.0-alpha', '1.0.0')).toBe(-1);
    expect(compareVersions('cargo', '1.0.0-beta.11', '1.0.0-beta.2')).toBe(1);
    expect(compareVersions('cargo', '1.0.0+build.1', '1.0.0')).toBe(0);
  });
  it('refuses what the semver crate refuses: a "v", leading zeros, fewer than three parts', () => {
    expect(compareVersions('cargo', 'v1.0.0', '1.0.0')).toBeUndefined();
    expect(compareVersions('cargo', '01.0.0', '1.0.0')).toBeUndefined();
    expect(compareVersions('cargo', '1.0', '1.0.0')).toBeUndefined();
  });
});

describe('nuget: NuGet.Versioning reference vectors (VersionComparerTests, NuGetVersionTest)', () => {
  const data = JSON.parse(fixture('nuget-version.json')) as {
    equal: [string, string][];
    less: [string, string][];
    invalid: string[];
    legacyParts: [string, string][];
  };
  it.each([...data.equal, ...data.legacyParts])('%j = %j', (a, b) => expect(compareVersions('nuget', a, b)).toBe(0));
  it.each(data.less)('%j < %j', (a, b) => {
    expect(compareVersions('nuget', a, b)).toBe(-1);
    expect(compareVersions('nuget', b, a)).toBe(1);
  });
  it.each(data.invalid)('refuses %j', (bad) => expect(compareVersions('nuget', bad, '1.0.0')).toBeUndefined());
});

describe('composer: composer/semver reference vectors (VersionParserTest, ComparatorTest)', () => {
  const data = JSON.parse(fixture('composer-semver.json')) as {
    normalize: [string, string][];
    invalid: string[];
    compare: [string, string, string, boolean][];
  };
  it.each(data.normalize)('normalize(%j) = %j', (input, expected) => expect(normalizeComposer(input)).toBe(expected));
  it.each(data.invalid)('refuses %j', (bad) => {
    expect(normalizeComposer(bad)).toBeUndefined();
    expect(compareVersions('composer', bad, '1.0.0')).toBeUndefined();
  });
  const holds = (order: number | undefined, op: string): boolean => {
    if (order === undefined) return op === '!=';
    return { '>': order > 0, '>=': order >= 0, '<': order < 0, '<=': order <= 0, '==': order === 0, '!=': order !== 0 }[
      op
    ]!;
  };
  it.each(data.compare)('%j %s %j is %s', (a, op, b, expected) =>
    expect(holds(compareVersions('composer', a, b), op)).toBe(expected),
  );
});
