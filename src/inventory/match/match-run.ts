/**
 * The parts of matching that repeat from host to host, decided two ways. `plainRun` decides everything afresh for
 * every host: it is the definition, and reads like it. `sharedRun` decides each package object once for every host
 * it is on, and builds a host's "outside every range" proof from its packages' own proofs, which the hosts then
 * share (100,000 hosts each holding their own 4 KB copy of the same clauses was most of bench:match's memory).
 * matchAssets uses sharedRun; test/matching/shared-run.test.ts holds it to plainRun on random estates.
 */
import { compareCpe } from '../cpe';
import type { InstalledSoftware } from '../model';

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
}

export function plainRun<F extends DecidedFinding>(decide: (software: InstalledSoftware) => PackageHits<F> | null) {
  const run: MatchRun<F> = {
    hits: decide,
    appliesOn: (platformCpe, osCpe) => compareCpe(platformCpe, osCpe).outcome !== 'no-match',
    absentSample: (_ecosystem, make) => make(),
    outsideProof: (outside) => joinDistinct(outside.map((f) => f.why)),
  };
  return run;
}

/** One package's own "outside" clauses, shared by every host it is on. */
interface PackageProof {
  text: string;
  whys: string[];
}

export function sharedRun<F extends DecidedFinding>(
  decide: (software: InstalledSoftware) => PackageHits<F> | null,
): MatchRun<F> {
  const plain = plainRun(decide);
  const packages = new Map<InstalledSoftware, PackageHits<F> | null>();
  const platforms = new Map<string, boolean>();
  const samples = new Map<string, string>();
  // null: the package has a platform-bound finding, which holds on some hosts only; such hosts take the plain way
  const proofs = new Map<PackageHits<F>, PackageProof | null>();
  const proofOf = (hits: PackageHits<F>): PackageProof | null => {
    let proof = proofs.get(hits);
    if (proof === undefined) {
      if (hits.findings.some((f) => f.criterion.platformCpe)) proof = null;
      else {
        const whys = [...new Set(hits.findings.filter((f) => f.value === false).map((f) => f.why))];
        proof = { text: whys.join('; '), whys };
      }
      proofs.set(hits, proof);
    }
    return proof;
  };
  return {
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
    outsideProof(outside, contributing) {
      // without platform-bound findings, `outside` is the false findings of `contributing`, package by package
      const parts: PackageProof[] = [];
      for (const hits of contributing) {
        const proof = proofOf(hits);
        if (proof === null) return plain.outsideProof(outside, contributing);
        if (proof.whys.length && !parts.includes(proof)) parts.push(proof);
      }
      if (parts.length === 1) return parts[0]!.text;
      // two packages saying the same sentence (equal builds from one source) would repeat it: the plain way dedupes
      const seen = new Set<string>();
      for (const part of parts)
        for (const why of part.whys) {
          if (seen.has(why)) return plain.outsideProof(outside, contributing);
          seen.add(why);
        }
      // `+` keeps the shared texts as parts of the result rather than copying them, as join would
      let text = parts[0]?.text ?? '';
      for (let i = 1; i < parts.length; i++) text = text + '; ' + parts[i]!.text;
      return text;
    },
  };
}

function joinDistinct(values: string[]): string {
  return [...new Set(values)].join('; ');
}
