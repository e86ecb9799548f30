/**
 * The parts of matching that repeat from host to host, decided two ways. `plainRun` decides everything afresh for
 * every host: it is the definition, and reads like it. `sharedRun` decides each package object once for every host
 * it is on; builds a host's "outside every range" proof from its packages' own proofs and keeps one copy of each
 * proof sentence, which the hosts then share (100,000 hosts each holding their own 4 KB copy of the same clauses
 * was most of bench:match's memory); keeps a host's criteria as stamps instead of a Set per host; and decides an
 * NVD tree that names none of a host's packages once per OS identity and inventory. matchAssets and
 * matchPackedEstate use sharedRun; test/matching/shared-run.property.test.ts holds both to plainRun on random
 * estates. bench/match-profile.md has the measurements behind each of these.
 */
import { compareCpe, cpeAttribute, withCpeAttributes } from '../cpe';
import type { Asset, InstalledSoftware } from '../model';

/** What one criterion says about one installed package: only what the proofs below need. */
export interface DecidedFinding {
  criterion: { platformCpe?: string };
  value: true | false | 'unknown';
  why: string;
}

export interface PackageHits<F extends DecidedFinding = DecidedFinding> {
  findings: F[];
  /** Identities the NVD trees ask about. */
  treeKeys: string[];
}

export interface MatchRun<F extends DecidedFinding> {
  /** What an installed package says against the bulletin; null when it speaks to none of its products. */
  hits(software: InstalledSoftware): PackageHits<F> | null;
  /** Does a statement bound to a platform (a CSAF relationship) hold on this OS? */
  appliesOn(platformCpe: string, osCpe: string): boolean;
  /** The product sample of an ecosystem none of whose products a host has. */
  absentSample(ecosystem: string, make: () => string): string;
  /**
   * The proof that a host's installed products are outside every range: the distinct reasons of `outside` (its
   * findings that are false, in order) joined. `contributing` are the hits of the host's packages, in order.
   */
  outsideProof(outside: readonly F[], contributing: readonly PackageHits<F>[]): string;
  /** One copy of a sentence many hosts say (the same proof of absence): what the results keep is then shared. */
  shared(sentence: string): string;
  /** An empty set of criteria (or any objects) for one asset; it holds until the next asset's set is made. */
  assetSet<K extends object>(): AssetSet<K>;
  /**
   * An NVD tree without OS leaves, for a host none of whose packages it names: its verdict depends on the host's OS
   * identity (a product shipping with that OS) and its complete inventory only.
   */
  treeWithoutHits<V>(tree: object, osIdentity: string | undefined, inventory: object | undefined, decide: () => V): V;
}

export interface AssetSet<K> {
  has(item: K): boolean;
  add(item: K): void;
}

export function plainRun<F extends DecidedFinding>(decide: (software: InstalledSoftware) => PackageHits<F> | null) {
  const run: MatchRun<F> = {
    hits: decide,
    appliesOn: onPlatform,
    absentSample: (_ecosystem, make) => make(),
    outsideProof: (outside) => joinDistinct(outside.map((f) => f.why)),
    shared: (sentence) => sentence,
    assetSet: <K>() => new Set<K>(),
    treeWithoutHits: (_tree, _osIdentity, _inventory, decide) => decide(),
  };
  return run;
}

/** One package's own "outside" clauses, shared by every host it is on. */
interface PackageProof {
  text: string;
  whys: string[];
  distinct: Set<string>;
}

export function sharedRun<F extends DecidedFinding>(
  decide: (software: InstalledSoftware) => PackageHits<F> | null,
): MatchRun<F> {
  const plain = plainRun(decide);
  const packages = new Map<InstalledSoftware, PackageHits<F> | null>();
  const platforms = new Map<string, boolean>();
  const samples = new Map<string, string>();
  const sentences = new Map<string, string>();
  return {
    shared(sentence) {
      const known = sentences.get(sentence);
      if (known !== undefined) return known;
      sentences.set(sentence, sentence);
      return sentence;
    },
    assetSet: stampedAssetSets(),
    treeWithoutHits: treeVerdicts(),
    hits(software) {
      let hits = packages.get(software);
      if (hits === undefined) packages.set(software, (hits = decide(software)));
      return hits;
    },
    appliesOn(platformCpe, osCpe) {
      const key = `${platformCpe}\u0000${osCpe}`;
      let value = platforms.get(key);
      if (value === undefined) platforms.set(key, (value = plain.appliesOn(platformCpe, osCpe)));
      return value;
    },
    absentSample(ecosystem, make) {
      let text = samples.get(ecosystem);
      if (text === undefined) samples.set(ecosystem, (text = make()));
      return text;
    },
    outsideProof: sharedOutsideProof(plain),
  };
}

/** A host's set of criteria without a Set per host (30 entries on each of 100,000 hosts): a stamp per member. */
function stampedAssetSets(): <K extends object>() => AssetSet<K> {
  const indices = new Map<object, number>();
  let stamps = new Uint32Array(64);
  let stamp = 0;
  const indexOf = (item: object): number => {
    let index = indices.get(item);
    if (index === undefined) {
      indices.set(item, (index = indices.size));
      if (index >= stamps.length) {
        const grown = new Uint32Array(stamps.length * 2);
        grown.set(stamps);
        stamps = grown;
      }
    }
    return index;
  };
  return <K extends object>(): AssetSet<K> => {
    const mine = ++stamp;
    return {
      has: (item) => stamps[indexOf(item)] === mine,
      add: (item) => {
        stamps[indexOf(item)] = mine;
      },
    };
  };
}

/** An NVD tree's verdict per inventory and OS identity, for hosts none of whose packages it names. */
function treeVerdicts(): MatchRun<DecidedFinding>['treeWithoutHits'] {
  const trees = new Map<object, Map<object | undefined, Map<string | undefined, unknown>>>();
  return <V>(tree: object, osIdentity: string | undefined, inventory: object | undefined, decide: () => V): V => {
    let byInventory = trees.get(tree);
    if (!byInventory) trees.set(tree, (byInventory = new Map()));
    let byOs = byInventory.get(inventory);
    if (!byOs) byInventory.set(inventory, (byOs = new Map()));
    if (byOs.has(osIdentity)) return byOs.get(osIdentity) as V;
    const verdict = decide();
    byOs.set(osIdentity, verdict);
    return verdict;
  };
}

/** A host's "outside every range" proof built from its packages' own proofs, each package's made once. */
function sharedOutsideProof<F extends DecidedFinding>(plain: MatchRun<F>): MatchRun<F>['outsideProof'] {
  // null: the package has a platform-bound finding, which holds on some hosts only; such hosts take the plain way
  const proofs = new Map<PackageHits<F>, PackageProof | null>();
  const proofOf = (hits: PackageHits<F>): PackageProof | null => {
    let proof = proofs.get(hits);
    if (proof === undefined) {
      if (hits.findings.some((f) => f.criterion.platformCpe)) proof = null;
      else {
        const whys = [...new Set(hits.findings.filter((f) => f.value === false).map((f) => f.why))];
        proof = { text: whys.join('; '), whys, distinct: new Set(whys) };
      }
      proofs.set(hits, proof);
    }
    return proof;
  };
  return (outside, contributing) => {
    // without platform-bound findings, `outside` is the false findings of `contributing`, package by package
    const parts: PackageProof[] = [];
    for (const hits of contributing) {
      const proof = proofOf(hits);
      if (proof === null) return plain.outsideProof(outside, contributing);
      if (proof.whys.length && !parts.includes(proof)) parts.push(proof);
    }
    if (parts.length === 1) return parts[0]!.text;
    // two packages saying the same sentence (equal builds from one source) would repeat it: the plain way dedupes
    for (let i = 0; i < parts.length; i++)
      for (let j = i + 1; j < parts.length; j++)
        if (parts[j]!.whys.some((why) => parts[i]!.distinct.has(why))) return plain.outsideProof(outside, contributing);
    // `+` keeps the shared texts as parts of the result rather than copying them, as join would
    let text = parts[0]?.text ?? '';
    for (let i = 1; i < parts.length; i++) text = text + '; ' + parts[i]!.text;
    return text;
  };
}

/** An asset's installed packages as matching reads them. */
export interface Installed<F extends DecidedFinding> {
  /** Each installed package that speaks to the bulletin, in order, with what it says. */
  eachHit(visit: (software: InstalledSoftware, hits: PackageHits<F>) => void): void;
  /** Every installed package: only products known by name alone need the whole list. */
  all(): readonly InstalledSoftware[];
}

/** The packages of an asset as the model holds them: `asset.software`. */
export function installedList<F extends DecidedFinding>(
  software: readonly InstalledSoftware[],
  run: MatchRun<F>,
): Installed<F> {
  return {
    eachHit(visit) {
      for (const sw of software) {
        const hits = run.hits(sw);
        if (hits !== null) visit(sw, hits);
      }
    },
    all: () => software,
  };
}

/**
 * An estate in columns: each distinct installed package once, and the packages of asset i as indices into them,
 * `rows[starts[i]]` up to `rows[starts[i + 1]]` (exclusive). 30 million package rows are then 120 MB of integers
 * rather than 30 million references, and matching reads them in order instead of chasing each reference. The
 * assets' own `software` arrays are not read.
 */
export interface PackedEstate {
  assets: Asset[];
  packages: InstalledSoftware[];
  rows: Uint32Array;
  starts: Uint32Array;
}

/** The packages of asset `index` of a packed estate, each distinct package decided once through `run`. */
export function packedInstaller<F extends DecidedFinding>(estate: PackedEstate, run: MatchRun<F>) {
  const { packages, rows, starts } = estate;
  const decided: (PackageHits<F> | null | undefined)[] = new Array(packages.length);
  const hitsOf = (p: number): PackageHits<F> | null => {
    let hits = decided[p];
    if (hits === undefined) decided[p] = hits = run.hits(packages[p]!);
    return hits;
  };
  return (index: number): Installed<F> => ({
    eachHit(visit) {
      for (let r = starts[index]!, end = starts[index + 1]!; r < end; r++) {
        const p = rows[r]!;
        const hits = hitsOf(p);
        if (hits !== null) visit(packages[p]!, hits);
      }
    },
    all: () => Array.from(rows.subarray(starts[index]!, starts[index + 1]!), (p) => packages[p]!),
  });
}

function joinDistinct(values: string[]): string {
  return [...new Set(values)].join('; ');
}

/** The OS is the platform, or a point release of it: "debian_linux:12" holds for 12.5, "enterprise_linux:8" for 8.6. */
function onPlatform(platform: string, os: string): boolean {
  if (compareCpe(platform, os).outcome !== 'no-match') return true;
  const release = cpeAttribute(platform, 'version');
  const version = cpeAttribute(os, 'version');
  if (!release || !version || !version.startsWith(`${release}.`)) return false;
  return compareCpe(withCpeAttributes(platform, { version }), os).outcome !== 'no-match';
}
