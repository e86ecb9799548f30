/**
 * bench:match — 100,000 assets with 300 installed packages each (30 million package rows, complete SBOMs) against
 * a 2,000-product CSAF-style advisory (npm purls with vers ranges) and an NVD configuration (log4j ranges), against
 * the naive way (every installed package compared with every advisory product), measured in the same run on a
 * sample and extrapolated. Target: ≤ 5 s and ≤ 1.5 GB peak. The estate is packed (PackedEstate: each distinct
 * package once, the rows as indices); bench/match-profile.md says why and what it measured.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Bulletin, ProductEntry } from '../src/bulletins/model';
import { RULES_FILES } from '../src/app/rules-files';
import { defaultRulesDir, RulesFolder } from '../src/app/rules-folder';
import { matchAssets, matchPackedEstate } from '../src/inventory/match-assets';
import { splitPurl } from '../src/inventory/match/advisory-criteria';
import type { PackedEstate } from '../src/inventory/match/match-run';
import { parseVersionRange, satisfies } from '../src/inventory/match/version-constraint';
import type { Asset, AssetMatch, InstalledSoftware, SoftwareInventory } from '../src/inventory/model';
import { median } from './bench-stats';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 100_000);
const PACKAGES_PER_ASSET = 300;
const ADVISORY_PRODUCTS = 2_000;
/** Distinct package builds in the estate: hosts share builds, as real fleets do. */
const POOL = 60_000;
const NAIVE_SAMPLE = Number(process.env.BENCH_NAIVE ?? 20);
/** `objects`: each asset holds its own array of 300 package references, as the store hands assets over. */
const FORM = process.env.BENCH_FORM === 'objects' ? 'objects' : 'packed';
const RUNS = 3;
const sbom = { format: 'cyclonedx' as const, document: 'bench.cdx.json' };
const advisorySource = { format: 'csaf' as const, document: 'bench-advisory.json' };

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const int = (n: number) => Math.floor(random() * n);

function pool(): InstalledSoftware[] {
  const packages: InstalledSoftware[] = [];
  for (let i = 0; i < POOL; i++) {
    // 100 of the 20,000 names are ones the advisory speaks about: about 1.5 hits per host
    const name = `pkg-${i % 20_000}`;
    const version = `${1 + int(9)}.${int(20)}.${int(10)}`;
    packages.push({
      name,
      version,
      purl: `pkg:npm/${name}@${version}`,
      kind: 'library',
      inventory: 'sbom',
      source: sbom,
    });
  }
  for (const version of ['2.14.1', '2.17.1']) {
    packages.push({
      name: 'log4j-core',
      version,
      purl: `pkg:maven/org.apache.logging.log4j/log4j-core@${version}`,
      kind: 'library',
      inventory: 'sbom',
      source: sbom,
    });
  }
  return packages;
}

function estate(packages: InstalledSoftware[]): PackedEstate {
  const inventory: SoftwareInventory = {
    kind: 'sbom',
    complete: true,
    completeBecause: 'compositions: complete',
    source: sbom,
  };
  const assets: Asset[] = [];
  const rows = new Uint32Array(ASSETS * PACKAGES_PER_ASSET);
  const starts = new Uint32Array(ASSETS + 1);
  for (let i = 0; i < ASSETS; i++) {
    const start = (starts[i] = i * PACKAGES_PER_ASSET);
    for (let j = 0; j < PACKAGES_PER_ASSET; j++) rows[start + j] = int(POOL);
    if (i % 50 === 0) rows[start] = POOL + (i % 100 === 0 ? 0 : 1);
    assets.push({
      id: `a${i}`,
      name: `host${String(i).padStart(6, '0')}`,
      addresses: [],
      hostnames: [],
      osCandidates: [],
      services: [],
      installedFixes: [],
      software: [],
      softwareInventories: [inventory],
      criticality: 'medium',
      environment: 'production',
      patchedBy: 'self',
      tags: [],
      retired: false,
      securityGroupIds: [],
      conflicts: [],
      sources: [sbom],
    });
  }
  starts[ASSETS] = ASSETS * PACKAGES_PER_ASSET;
  return { assets, packages, rows, starts };
}

function bulletin(): Bulletin {
  const products: ProductEntry[] = [];
  for (let i = 0; i < ADVISORY_PRODUCTS; i++) {
    // an advisory's products are ranges of a few packages: 2,000 entries over 100 package names
    const name = `pkg-${i % 100}`;
    const major = 1 + Math.floor(i / 100);
    const range = `vers:npm/>=${major}.${i % 20}.0|<${major}.${(i % 20) + 1}.0`;
    products.push({
      name: `${name} ${range}`,
      purl: `pkg:npm/${name}`,
      versionRange: range,
      status: 'affected',
      cves: ['CVE-2026-00001'],
      source: advisorySource,
    });
  }
  const log4j = (start: string, end: string, m: number) => ({
    criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*',
    vulnerable: true,
    versionStartIncluding: start,
    versionEndExcluding: end,
    source: {
      format: 'nvd' as const,
      document: 'CVE-2021-44228.json',
      locator: `/configurations/0/nodes/0/cpeMatch/${m}`,
    },
  });
  return {
    id: 'BENCH-1',
    cves: ['CVE-2026-00001', 'CVE-2021-44228'],
    products,
    remediations: [],
    fixIds: [],
    scores: [],
    exploitation: [],
    ssvc: [],
    kev: [],
    epss: [],
    references: [],
    descriptions: [],
    cwes: [],
    vulnerablePorts: [],
    applicability: [
      {
        cve: 'CVE-2021-44228',
        operator: 'OR',
        negate: false,
        nodes: [
          {
            operator: 'OR',
            negate: false,
            matches: [log4j('2.0.1', '2.3.1', 0), log4j('2.4.0', '2.12.2', 1), log4j('2.13.0', '2.15.0', 2)],
          },
        ],
        source: { format: 'nvd', document: 'CVE-2021-44228.json', locator: '/configurations/0' },
      },
    ],
    cycle: { status: 'unknown', reason: 'bench' },
    sources: [advisorySource],
  };
}

/** The naive way: every installed package against every advisory product, parsing both each time. */
function naive(b: Bulletin, estate: PackedEstate, count: number): number {
  let affected = 0;
  for (let i = 0; i < count; i++) {
    let hit = false;
    for (let r = estate.starts[i]!; r < estate.starts[i + 1]!; r++) {
      const sw = estate.packages[estate.rows[r]!]!;
      const purl = splitPurl(sw.purl!);
      for (const product of b.products) {
        const wanted = splitPurl(product.purl!);
        if (!purl || !wanted || purl.key !== wanted.key) continue;
        if (satisfies(parseVersionRange(product.versionRange!), sw.version!, 'semver').value === true) hit = true;
      }
    }
    if (hit) affected++;
  }
  return affected;
}

/** One digest over every asset's answer: equal digests across versions mean equal statuses and reasons. */
function answerDigest(matches: AssetMatch[]): string {
  const hash = createHash('sha256');
  for (const m of matches)
    hash.update(
      `${m.asset.id}\u0000${m.status}\u0000${m.reasons.join('\u0001')}\u0000${m.matchedProducts.join('\u0001')}\n`,
    );
  return hash.digest('hex').slice(0, 16);
}

function main(): void {
  const built = performance.now();
  const packages = pool();
  const estateNow = estate(packages);
  const b = bulletin();
  const objects =
    FORM === 'objects'
      ? estateNow.assets.map((asset, i) => ({
          ...asset,
          software: Array.from(
            estateNow.rows.subarray(estateNow.starts[i]!, estateNow.starts[i + 1]!),
            (p) => packages[p]!,
          ),
        }))
      : undefined;
  console.log(
    `bench:match — ${ASSETS.toLocaleString('en')} assets × ${PACKAGES_PER_ASSET} packages (${(ASSETS * PACKAGES_PER_ASSET).toLocaleString('en')} rows) against ${ADVISORY_PRODUCTS.toLocaleString('en')} advisory products + an NVD configuration`,
  );
  console.log(
    `  ${FORM} estate built in ${((performance.now() - built) / 1000).toFixed(1)} s: ${packages.length.toLocaleString('en')} distinct packages, rows ${(estateNow.rows.byteLength / 2 ** 20).toFixed(0)} MB; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
  );

  const names = RulesFolder.load(defaultRulesDir(), { names: RULES_FILES.names }).get('names');
  const times: number[] = [];
  const cpu: number[] = [];
  let counts: Record<string, number> = {};
  let digest = '';
  let peak = process.memoryUsage().rss;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const matches = objects ? matchAssets(b, objects, { names }) : matchPackedEstate(b, estateNow, { names });
    const used = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
    peak = Math.max(peak, process.memoryUsage().rss);
    counts = {};
    for (const m of matches) counts[m.status] = (counts[m.status] ?? 0) + 1;
    digest = answerDigest(matches);
  }
  const full = median(times);

  const naiveStart = performance.now();
  naive(b, estateNow, NAIVE_SAMPLE);
  const naiveSample = performance.now() - naiveStart;
  const naiveTotal = (naiveSample / NAIVE_SAMPLE) * ASSETS;

  const seconds = (list: number[]) => list.map((t) => (t / 1000).toFixed(2)).join(', ');
  console.log(`  statuses: ${JSON.stringify(counts)}; answers digest ${digest}`);
  console.log(
    `  indexed matching: median ${(full / 1000).toFixed(2)} s of ${RUNS} runs [${seconds(times)}] (target ≤ 5 s); CPU time (user+system, all threads) [${seconds(cpu)}] s`,
  );
  console.log(
    `  peak RSS: ${(peak / 2 ** 30).toFixed(2)} GB sampled after each run, ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GB max RSS (target ≤ 1.5 GB)`,
  );
  console.log(
    `  naive (every package × every product): ${naiveSample.toFixed(0)} ms for ${NAIVE_SAMPLE} assets → ${(naiveTotal / 1000).toFixed(0)} s extrapolated to ${ASSETS.toLocaleString('en')}`,
  );
  console.log(`  ratio naive / indexed: ${(naiveTotal / full).toFixed(0)}x`);
  console.log(
    `  load: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min)`,
  );
}

main();
