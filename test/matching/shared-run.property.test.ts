/**
 * matchAssets shares work between hosts (each package object decided once, a host's "outside every range" proof
 * built from its packages' own proofs, a criterion set without a Set per host, NVD trees without hits decided once
 * per OS identity and inventory); matchPackedEstate does the same over an estate in columns; matchAssetsPlain
 * decides everything afresh on every host. On random estates and bulletins all three give every asset the same
 * status, reasons, matched products and sources.
 *
 * The estates mix what changes the shortcuts' answer: the same package object on many hosts and twice on one host,
 * equal copies of one package (their sentences coincide), CSAF relationships bound to a platform, fixed builds,
 * not_affected statements, unreadable ranges and schemes, NVD trees with platforms, KEV names, fixes, no OS, an OS
 * known only by name, complete and incomplete inventories of several kinds.
 */
import fc from 'fast-check';
import type { SourceRef } from '../../src/common/provenance';
import type { Applicability, Bulletin, CpeCriterion, ProductEntry, ProductStatus } from '../../src/bulletins/model';
import { matchAssets, matchAssetsPlain, matchPackedEstate } from '../../src/inventory/match-assets';
import type { PackedEstate } from '../../src/inventory/match/match-run';
import type { Asset, AssetMatch, InstalledSoftware, OsIdentity, SoftwareInventory } from '../../src/inventory/model';
import { asset, ms08067 } from '../risk/seed-story';
import { shippedNames } from '../helpers/shipped-rules';

const names = shippedNames();

const sbomA = { format: 'cyclonedx' as const, document: 'a.cdx.json' };
const sbomB = { format: 'cyclonedx' as const, document: 'b.cdx.json', locator: '/components/3' };
const rpmTable = { format: 'osquery-packages' as const, document: 'rpm_packages.json' };
const advisory = { format: 'csaf' as const, document: 'advisory.json' };
const nvd = { format: 'nvd' as const, document: 'CVE-2021-44228.json' };

const RHEL8 = 'cpe:2.3:o:redhat:enterprise_linux:8:*:*:*:*:*:*:*';
const OSES: (OsIdentity | undefined)[] = [
  undefined,
  {
    raw: 'Windows Server 2008 SP2',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*',
    confidence: 100,
    source: sbomA,
  },
  { raw: 'Red Hat Enterprise Linux 8', cpe: RHEL8, confidence: 100, source: rpmTable },
  { raw: 'Cisco IOS 12.2(55)SE', confidence: 100, source: sbomA },
  { raw: 'Plan 9 from Bell Labs', confidence: 100, source: sbomA },
];

const npm = (name: string, version: string, source: SourceRef = sbomA, location?: string): InstalledSoftware => ({
  name,
  version,
  purl: `pkg:npm/${name}@${version}`,
  kind: 'library',
  inventory: 'sbom',
  source,
  ...(location ? { location } : {}),
});
const PACKAGES: InstalledSoftware[] = [
  npm('left-pad', '1.0.0'),
  npm('left-pad', '1.2.3'),
  npm('left-pad', '2.5.1'),
  npm('left-pad', 'next'),
  npm('left-pad', '1.2.3', sbomB, 'node_modules/x'),
  npm('express', '4.17.1'),
  npm('express', '3.0.0'),
  npm('lodash', '4.17.21'),
  {
    name: 'log4j-core',
    version: '2.14.1',
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
    kind: 'library',
    inventory: 'sbom',
    source: sbomA,
  },
  {
    name: 'log4j-core',
    version: '2.17.1',
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1',
    kind: 'library',
    inventory: 'sbom',
    source: sbomB,
  },
  {
    name: 'tomcat',
    version: '1:9.0.62-37.el8',
    purl: 'pkg:rpm/redhat/tomcat@9.0.62-37.el8?epoch=1',
    kind: 'os-package',
    inventory: 'rpm',
    source: rpmTable,
  },
  {
    name: 'tomcat',
    version: '1:9.0.62-40.el8',
    purl: 'pkg:rpm/redhat/tomcat@9.0.62-40.el8?epoch=1',
    kind: 'os-package',
    inventory: 'rpm',
    source: rpmTable,
  },
  { name: 'plug', version: '1.2.0', purl: 'pkg:hex/plug@1.2.0', kind: 'library', inventory: 'sbom', source: sbomA },
  { name: 'Acme Widget Server', version: '3.1', vendor: 'Acme', kind: 'application', inventory: 'sbom', source: sbomA },
];

const inventory = (
  kind: SoftwareInventory['kind'],
  complete: boolean,
  source: SourceRef = sbomA,
): SoftwareInventory => ({
  kind,
  complete,
  completeBecause: complete ? 'compositions: complete' : 'compositions: incomplete',
  source,
});
const INVENTORIES = [
  inventory('sbom', true),
  inventory('sbom', false),
  inventory('rpm', true, rpmTable),
  inventory('npm', true),
];

const product = (fields: Partial<ProductEntry>): ProductEntry => ({
  name: 'p',
  status: 'affected',
  cves: [],
  source: advisory,
  ...fields,
});
const STATUSES: ProductStatus[] = ['affected', 'affected', 'fixed', 'not_affected', 'under_investigation'];
const RANGES = [
  'vers:npm/>=1.0.0|<2.0.0',
  'vers:npm/<2.5.1',
  '>=1.2.3|<=3.0.0',
  'vers:npm/*',
  'somewhere around 2',
  '<v4',
];

const productArb: fc.Arbitrary<ProductEntry> = fc.oneof(
  fc
    .record({
      name: fc.constantFrom('left-pad', 'express', 'lodash'),
      range: fc.constantFrom(...RANGES),
      status: fc.constantFrom(...STATUSES),
      onRhel: fc.boolean(),
    })
    .map(({ name, range, status, onRhel }) =>
      product({
        name: `${name} ${range}`,
        purl: `pkg:npm/${name}`,
        versionRange: range,
        status,
        ...(onRhel ? { platform: { name: 'Red Hat Enterprise Linux 8', cpe: RHEL8 } } : {}),
      }),
    ),
  fc.constantFrom(
    product({ name: 'tomcat-1:9.0.62-40.el8', purl: 'pkg:rpm/redhat/tomcat@9.0.62-40.el8?epoch=1', status: 'fixed' }),
    product({
      name: 'log4j-core',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core',
      versionRange: 'vers:maven/>=2.0-beta9|<2.15.0',
    }),
    product({ name: 'Windows Server 2008 SP2', cpe: 'cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*' }),
    product({ name: 'plug < 1.5.0', purl: 'pkg:hex/plug', versionRange: 'vers:hex/<1.5.0' }),
    product({ name: 'Acme Widget Server', vendor: 'Acme', productName: 'Widget Server', versionRange: '<4.0' }),
  ),
);

const log4j = (start: string, end: string, m: number): CpeCriterion => ({
  criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*',
  vulnerable: true,
  versionStartIncluding: start,
  versionEndExcluding: end,
  source: { ...nvd, locator: `/configurations/0/nodes/0/cpeMatch/${m}` },
});
const TREES: Applicability[] = [
  {
    cve: 'CVE-2021-44228',
    operator: 'OR',
    negate: false,
    nodes: [{ operator: 'OR', negate: false, matches: [log4j('2.0.1', '2.3.1', 0), log4j('2.13.0', '2.15.0', 1)] }],
    source: { ...nvd, locator: '/configurations/0' },
  },
  {
    cve: 'CVE-2021-44228',
    operator: 'AND',
    negate: false,
    nodes: [
      { operator: 'OR', negate: false, matches: [log4j('2.13.0', '2.15.0', 0)] },
      {
        operator: 'OR',
        negate: false,
        matches: [{ criteria: RHEL8, vulnerable: false, source: { ...nvd, locator: '/configurations/1/nodes/1' } }],
      },
    ],
    source: { ...nvd, locator: '/configurations/1' },
  },
  {
    // a software leaf that ships with Windows: its verdict for a host without packages depends on the OS identity
    cve: 'CVE-2017-0144',
    operator: 'OR',
    negate: false,
    nodes: [
      {
        operator: 'OR',
        negate: false,
        matches: [
          {
            criteria: 'cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*',
            vulnerable: true,
            source: { format: 'nvd', document: 'CVE-2017-0144.json', locator: '/configurations/0/nodes/0/cpeMatch/0' },
          },
        ],
      },
    ],
    source: { format: 'nvd', document: 'CVE-2017-0144.json', locator: '/configurations/0' },
  },
];

const bulletinArb: fc.Arbitrary<Bulletin> = fc
  .record({
    products: fc.array(productArb, { maxLength: 8 }),
    trees: fc.subarray(TREES),
    kev: fc.boolean(),
    fix: fc.boolean(),
  })
  .map(({ products, trees, kev, fix }) => ({
    ...ms08067(),
    id: 'X-1',
    products,
    applicability: trees,
    fixIds: fix ? ['KB4012598'] : [],
    kev: kev
      ? [
          {
            cve: 'CVE-2026-1',
            dateAdded: '2026-01-01',
            vendorProject: 'Acme',
            product: 'Widget Server',
            source: advisory,
          },
        ]
      : [],
  }));

/** Hosts draw from one pool of package objects (shared), sometimes as an equal copy (not shared). */
const estateArb: fc.Arbitrary<Asset[]> = fc
  .array(
    fc.record({
      os: fc.nat(OSES.length - 1),
      software: fc.array(fc.record({ i: fc.nat(PACKAGES.length - 1), copy: fc.boolean() }), { maxLength: 10 }),
      inventories: fc.subarray(INVENTORIES),
      fixed: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((hosts) =>
    hosts.map(({ os, software, inventories, fixed }, n) =>
      asset(`host${n}`, {
        ...(OSES[os] ? { os: OSES[os] } : {}),
        software: software.map(({ i, copy }) => (copy ? { ...PACKAGES[i]! } : PACKAGES[i]!)),
        softwareInventories: inventories,
        installedFixes: fixed ? [{ id: 'KB4012598', source: sbomA }] : [],
      }),
    ),
  );

/** The same estate in columns: each distinct package object once, the rows as indices, the assets without arrays. */
function packed(assets: Asset[]): PackedEstate {
  const packages: InstalledSoftware[] = [];
  const index = new Map<InstalledSoftware, number>();
  const rows: number[] = [];
  const starts = [0];
  for (const a of assets) {
    for (const sw of a.software) {
      if (!index.has(sw)) index.set(sw, packages.push(sw) - 1);
      rows.push(index.get(sw)!);
    }
    starts.push(rows.length);
  }
  return {
    assets: assets.map((a) => ({ ...a, software: [] })),
    packages,
    rows: Uint32Array.from(rows),
    starts: Uint32Array.from(starts),
  };
}

const withoutSoftware = (matches: AssetMatch[]) => matches.map((m) => ({ ...m, asset: { ...m.asset, software: [] } }));

describe('matchAssets (work shared between hosts) against matchAssetsPlain (the definition)', () => {
  it('gives every asset the same status, reasons, products and sources on random estates', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(bulletinArb, estateArb, (bulletin, assets) => {
        const shared = matchAssets(bulletin, assets, { names });
        const plain = matchAssetsPlain(bulletin, assets, { names });
        expect(shared).toEqual(plain);
        expect(matchPackedEstate(bulletin, packed(assets), { names })).toEqual(withoutSoftware(plain));
        for (const m of shared) seen.add(m.possiblyAffected ? 'possibly affected' : m.status);
      }),
      { seed: 20261206, numRuns: 300 },
    );
    // the estates reach every verdict, so the equality above is about each of them
    expect([...seen].sort()).toEqual(['affected', 'not_affected', 'patched', 'possibly affected', 'unknown']);
  });

  it('builds a host proof from two packages whose sentences coincide the plain way', () => {
    const b: Bulletin = {
      ...ms08067(),
      id: 'X-1',
      products: [product({ name: 'left-pad <1.0.0', purl: 'pkg:npm/left-pad', versionRange: 'vers:npm/<1.0.0' })],
      fixIds: [],
    };
    const twin = npm('left-pad', '1.2.3');
    const host = asset('h', { software: [twin, { ...twin }, PACKAGES[2]!], softwareInventories: [INVENTORIES[0]!] });
    const [shared] = matchAssets(b, [host], { names });
    expect(shared).toEqual(matchAssetsPlain(b, [host], { names })[0]);
    expect(shared!.status).toBe('not_affected');
    expect(shared!.reasons.join(' ').match(/left-pad 1\.2\.3/g)).toHaveLength(1);
  });
});
