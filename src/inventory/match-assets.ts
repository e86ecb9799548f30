/**
 * Which assets a bulletin affects, and how we know. Pure: the bulletin compiled into criteria keyed by product
 * identity (advisory-criteria.ts) against each asset's OS and installed software, in three-valued logic.
 *
 * Order of verdicts: retired; a bulletin fix id installed (patched); an installed product inside an affected range
 * (affected); an installed build at or past the fixed one (patched); the advisory itself saying not affected for
 * that product (not_affected); anything that could not be decided (unknown, saying what is missing); and only
 * then not_affected, proven by a complete inventory of the relevant kind: the OS for OS products, a software
 * inventory declared complete for application products. "Could not compare" is never not_affected.
 */
import type { SourceRef } from '../common/provenance';
import { compareCpe, cpeAttribute } from './cpe';
import {
  compileBulletin,
  nameIdentity,
  splitPurl,
  streamOf,
  type CompiledBulletin,
  type Criterion,
  type Ecosystem,
} from './match/advisory-criteria';
import {
  installedList,
  packedInstaller,
  plainRun,
  sharedRun,
  type AssetSet,
  type Installed,
  type MatchRun,
  type PackedEstate,
} from './match/match-run';
import { satisfies, compareIn, type Truth } from './match/version-constraint';
import type { Asset, AssetMatch, InstalledSoftware, SoftwareInventory, SoftwareInventoryKind } from './model';
import { identityOfPrefix, type NameTable } from './name-table';
import type { Bulletin } from '../bulletins/model';
import { schemeForPurlType, type VersionScheme } from './versions/compare-versions';

export interface MatchOptions {
  /** The rules folder's name tables (rules/names, an organization's own rows first). */
  names: NameTable;
}

export function matchAssets(bulletin: Bulletin, assets: Asset[], options: MatchOptions): AssetMatch[] {
  const compiled = compileBulletin(bulletin, options.names);
  const run = sharedRun((sw) => packageHits(compiled, sw));
  return assets.map((asset) => matchAsset(compiled, asset, run));
}

/** matchAssets over an estate in columns (bench:match's 30 million rows): the same answers, the same sharing. */
export function matchPackedEstate(bulletin: Bulletin, estate: PackedEstate, options: MatchOptions): AssetMatch[] {
  const compiled = compileBulletin(bulletin, options.names);
  const run = sharedRun((sw) => packageHits(compiled, sw));
  const installedOf = packedInstaller(estate, run);
  return estate.assets.map((asset, i) => matchAsset(compiled, asset, run, installedOf(i)));
}

/** matchAssets without what hosts share: every package decided afresh on every host. The definition, for tests. */
export function matchAssetsPlain(bulletin: Bulletin, assets: Asset[], options: MatchOptions): AssetMatch[] {
  const compiled = compileBulletin(bulletin, options.names);
  const run = plainRun((sw) => packageHits(compiled, sw));
  return assets.map((asset) => matchAsset(compiled, asset, run));
}

type PackageHits = { findings: Finding[]; treeKeys: string[] };

/** One criterion decided for one asset. */
interface Finding {
  criterion: Criterion;
  value: Truth;
  /** For fixed criteria: what the installed build says. */
  fixed?: 'affected' | 'patched';
  possibly?: boolean;
  /** A fixed build of another distribution stream (el7 against an el8 build): it speaks for its stream only. */
  otherStream?: boolean;
  why: string;
  evidence?: SourceRef;
}

/** Which inventories can prove a product of an ecosystem absent. */
const COVERING: Record<Ecosystem, SoftwareInventoryKind[]> = {
  rpm: ['rpm', 'sbom'],
  deb: ['deb', 'sbom'],
  npm: ['npm', 'sbom'],
  pypi: ['pypi', 'sbom'],
  maven: ['sbom'],
  programs: ['sbom', 'software-installations', 'windows-programs', 'chocolatey'],
  library: ['sbom'],
};

function matchAsset(
  c: CompiledBulletin,
  asset: Asset,
  run: MatchRun<Finding>,
  installed: Installed<Finding> = installedList(asset.software ?? [], run),
): AssetMatch {
  const early = earlyVerdict(c, asset);
  if (early) return early;
  const os = osOf(asset, c.names);
  const seen = collectFindings(c, asset, os, run, installed);
  const evidence: Evidence = { unknowns: [], proofs: [], sources: [] };
  osAbsence(c, os, seen, evidence);
  for (const [ecosystem, list] of c.softwareByEcosystem)
    softwareAbsence(c, asset, os, run, seen, evidence, ecosystem, list);
  treeVerdicts(c, asset, os, run, seen, evidence);
  return verdict(c, asset, run, seen, evidence);
}

/** What the OS and the installed products of one asset say, criterion by criterion. */
interface AssetFindings {
  findings: Finding[];
  touched: AssetSet<Criterion>;
  touchedPerEcosystem: Map<Ecosystem, number>;
  /** Installed packages by the NVD tree identity they answer to. */
  treeHits: Map<string, InstalledSoftware[]>;
  /** The hits of the asset's packages, in order (for the shared "outside every range" proof). */
  contributing: PackageHits[];
  note(finding: Finding): void;
}

/** The sentences are built only for the verdict that needs them: most assets need none of them. */
interface Evidence {
  unknowns: (() => string)[];
  proofs: (() => string)[];
  sources: SourceRef[];
}

/** A retired asset, an installed fix of the bulletin, or a bulletin that names nothing readable. */
function earlyVerdict(c: CompiledBulletin, asset: Asset): AssetMatch | undefined {
  if (asset.retired)
    return result(asset, 'retired', [
      `retired in the inventory (${describe(asset.sources.find((s) => String(s.format) === 'servicenow-cmdb') ?? asset.sources[0])}): kept, never counted as affected`,
    ]);
  const fix = asset.installedFixes.find((f) => c.fixIds.has(f.id.toUpperCase()));
  if (fix)
    return result(
      asset,
      'patched',
      [
        `${fix.id} is installed${fix.installedOn ? ` (on ${fix.installedOn})` : ''} according to ${describe(fix.source)}`,
      ],
      [],
      [fix.source],
    );
  if (!c.criteria.length && !c.trees.length)
    return result(asset, 'unknown', [
      `${c.bulletin.id} names no products patchcall can read: check ${asset.name} by hand`,
    ]);
  return undefined;
}

/** The OS by one lookup of its identity; installed software by one lookup per identity of each package; names. */
function collectFindings(
  c: CompiledBulletin,
  asset: Asset,
  os: OsView,
  run: MatchRun<Finding>,
  installed: Installed<Finding>,
): AssetFindings {
  const findings: Finding[] = [];
  const touched = run.assetSet<Criterion>();
  const touchedPerEcosystem = new Map<Ecosystem, number>();
  const treeHits = new Map<string, InstalledSoftware[]>();
  const contributing: PackageHits[] = [];
  const note = (finding: Finding) => {
    findings.push(finding);
    if (touched.has(finding.criterion)) return;
    touched.add(finding.criterion);
    const eco = finding.criterion.ecosystem ?? 'programs';
    touchedPerEcosystem.set(eco, (touchedPerEcosystem.get(eco) ?? 0) + 1);
  };
  if (os.cpe) for (const criterion of c.byIdentity.get(os.identity!) ?? []) note(evaluateOs(criterion, os));
  let elsewhere: { sw: InstalledSoftware; finding: Finding }[] | undefined;
  installed.eachHit((sw, hits) => {
    contributing.push(hits);
    for (const key of hits.treeKeys) {
      const list = treeHits.get(key);
      if (list) list.push(sw);
      else treeHits.set(key, [sw]);
    }
    for (const finding of hits.findings)
      if (applies(finding.criterion, os, run)) {
        note(placed(finding, os));
        if (finding.otherStream && counts(finding.criterion)) (elsewhere ??= []).push({ sw, finding });
      } else if (counts(finding.criterion)) (elsewhere ??= []).push({ sw, finding });
  });
  if (elsewhere) {
    // the identities this host's own platform and stream have a statement about
    const spoken = new Set(findings.filter((f) => !f.otherStream).map((f) => f.criterion.identity));
    for (const silent of silentFindings(elsewhere, spoken, os, c.bulletin.id)) note(silent);
  }
  for (const criterion of c.nameCriteria) {
    const hit = findByName(criterion, asset, installed.all());
    if (hit) note(hit);
  }
  return { findings, touched, touchedPerEcosystem, treeHits, contributing, note };
}

/** OS products the asset was not found among: proof only with a known OS. */
function osAbsence(c: CompiledBulletin, os: OsView, seen: AssetFindings, evidence: Evidence): void {
  const osCriteria = c.osCriteria;
  if (!osCriteria.length) return;
  if (!os.cpe) evidence.unknowns.push(() => os.missing!);
  else if (!seen.findings.some((f) => f.criterion.kind === 'os' && f.value !== false))
    evidence.proofs.push(
      () =>
        `${os.text} matches none of the ${osCriteria.length} affected products of ${c.bulletin.id}${sample(osCriteria)}`,
    );
  if (os.source) evidence.sources.push(os.source);
}

/** Software products of one ecosystem not found: absent only where a complete inventory of their kind says so. */
function softwareAbsence(
  c: CompiledBulletin,
  asset: Asset,
  os: OsView,
  run: MatchRun<Finding>,
  seen: AssetFindings,
  evidence: Evidence,
  ecosystem: Ecosystem,
  list: Criterion[],
): void {
  const { touched } = seen;
  const found = seen.touchedPerEcosystem.get(ecosystem) ?? 0;
  if (!c.platformBound.has(ecosystem)) {
    // without platform-bound criteria the count of the ones found decides, with no walk over the advisory
    if (found >= list.length) return;
    const complete = completeInventory(asset, ecosystem);
    if (complete) {
      const missing = list.length - found;
      evidence.proofs.push(() => {
        const text = found ? sample(list, (k) => !touched.has(k)) : run.absentSample(ecosystem, () => sample(list));
        return run.shared(
          `the complete ${complete.kind} inventory (${describe(complete.source)}; ${complete.completeBecause}) lists none of ${missing} affected ${ecosystemWords(ecosystem)} product${missing > 1 ? 's' : ''}${text}`,
        );
      });
      evidence.sources.push(complete.source);
      return;
    }
  }
  const missing = list.filter(
    (k) => !touched.has(k) && (applies(k, os, run) || (os.cpe && mayRunOn(k, ecosystem, os.identity!))),
  );
  const notOnPlatform = list.length - list.filter((k) => applies(k, os, run)).length;
  if (notOnPlatform && os.cpe && !missing.length && !list.some((k) => touched.has(k)))
    evidence.proofs.push(
      () =>
        `${os.text} is not a platform of ${c.bulletin.id}'s ${ecosystemWords(ecosystem)} products${sample(list.map((k) => ({ label: k.platformLabel ?? k.label })))}`,
    );
  if (!missing.length) return;
  const component = missing.find((k) => os.identity && componentOn(k, os.identity, c.names));
  if (component) {
    seen.note({
      criterion: component,
      value: true,
      why: `${component.label} ships with ${os.text}: ${c.names.componentOf(component.identity)?.note ?? 'a component of that OS'}`,
    });
    return;
  }
  missingSoftware(c.bulletin.id, asset, os, run, evidence, ecosystem, missing);
}

/** Affected products of an ecosystem the asset was not seen with: a complete inventory proves them absent. */
function missingSoftware(
  bulletinId: string,
  asset: Asset,
  os: OsView,
  run: MatchRun<Finding>,
  evidence: Evidence,
  ecosystem: Ecosystem,
  missing: Criterion[],
): void {
  const complete = completeInventory(asset, ecosystem);
  const words = ecosystemWords(ecosystem);
  if (complete) {
    evidence.proofs.push(
      () =>
        `the complete ${complete.kind} inventory (${describe(complete.source)}; ${complete.completeBecause}) lists none of ${missing.length} affected ${words} product${missing.length > 1 ? 's' : ''}${sample(missing)}`,
    );
    evidence.sources.push(complete.source);
    return;
  }
  const silent = missing.filter((k) => !applies(k, os, run));
  const kinds = COVERING[ecosystem].join(' or ');
  evidence.unknowns.push(() =>
    silent.length
      ? `${bulletinId} speaks for ${platformsOf(silent)} only, not for ${os.text}, and no complete ${kinds} inventory for ${asset.name}${describeInventories(asset)} rules out its ${words} products${sample(silent)}`
      : `no complete ${kinds} inventory for ${asset.name}${describeInventories(asset)}: cannot rule out ${missing.length} affected ${words} product${missing.length > 1 ? 's' : ''}${sample(missing)}`,
  );
}

/** NVD configurations, read as trees. */
function treeVerdicts(
  c: CompiledBulletin,
  asset: Asset,
  os: OsView,
  run: MatchRun<Finding>,
  seen: AssetFindings,
  evidence: Evidence,
): void {
  for (const tree of c.trees) {
    const decide = () =>
      evaluateTree(tree, (criterion) =>
        leaf(criterion, asset, os, seen.treeHits.get(criterion.identity) ?? [], c.names),
      );
    const outcome =
      tree.hasOsLeaf || tree.softwareIdentities.some((k) => seen.treeHits.has(k))
        ? decide()
        : treeWithoutHits(tree, asset, os, run, decide);
    const where = `NVD configuration ${tree.applicability.cve}`;
    if (outcome.value === true)
      seen.findings.push({
        criterion: [...tree.leaves.values()][0]!,
        value: true,
        why: `${where} (${describe(tree.applicability.source)}): ${outcome.why}`,
        evidence: tree.applicability.source,
      });
    else if (outcome.value === 'unknown')
      evidence.unknowns.push(() => `${where} (${describe(tree.applicability.source)}): ${outcome.why}`);
    else evidence.proofs.push(() => run.shared(`${where}: ${outcome.why}`));
  }
}

/**
 * The status from what was found, in the order the module comment gives: affected, patched, said not affected,
 * unknown, and only then not_affected by proof.
 */
function verdict(
  c: CompiledBulletin,
  asset: Asset,
  run: MatchRun<Finding>,
  seen: AssetFindings,
  evidence: Evidence,
): AssetMatch {
  const { findings } = seen;
  const conflictNote = asset.conflicts.filter((k) => k.field === 'os').map((k) => `note: ${k.note}`);
  const sourcesOf = (list: Finding[]) => [
    ...evidence.sources,
    ...list.map((f) => f.criterion.source),
    ...list.flatMap((f) => (f.evidence ? [f.evidence] : [])),
  ];
  const decided = (status: AssetMatch['status'], list: Finding[], products: string[] = []) =>
    result(asset, status, [...list.map((f) => f.why), ...conflictNote], products, sourcesOf(list));

  const affected = findings.filter(
    (f) => (f.value === true && f.criterion.status === 'affected' && !f.possibly) || f.fixed === 'affected',
  );
  const patched = findings.filter((f) => f.fixed === 'patched');
  const unpatched = affected.filter(
    (f) => !patched.some((p) => p.criterion.identity === f.criterion.identity && f.fixed !== 'affected'),
  );
  if (unpatched.length) return decided('affected', unpatched, unique(unpatched.map((f) => f.criterion.label)));
  if (patched.length && !findings.some((f) => f.value === 'unknown')) return decided('patched', patched);

  const saidNotAffected = findings.filter((f) => f.value === true && f.criterion.status === 'not_affected');
  if (saidNotAffected.length && !evidence.unknowns.length) return decided('not_affected', saidNotAffected);

  const undecided = findings.filter(
    (f) =>
      (f.value === 'unknown' || (f.value === true && (f.possibly || f.criterion.status === 'under_investigation'))) &&
      f.criterion.status !== 'not_affected',
  );
  if (undecided.length || evidence.unknowns.length) {
    const possibly = undecided.some((f) => f.possibly);
    return {
      ...result(
        asset,
        'unknown',
        unique([...undecided.map((f) => f.why), ...evidence.unknowns.map((u) => u()), ...conflictNote]),
        unique(undecided.map((f) => f.criterion.label)),
        sourcesOf(undecided),
      ),
      ...(possibly ? { possiblyAffected: true } : {}),
    };
  }
  // an installed product outside every range is proof for that product; absent ones were proven above
  const outside = findings.filter((f) => f.value === false && f.criterion.kind !== 'os');
  const proofs = evidence.proofs;
  if (outside.length) proofs.push(() => run.outsideProof(outside, seen.contributing));
  if (!proofs.length)
    return result(asset, 'unknown', [`nothing proves ${asset.name} unaffected by ${c.bulletin.id}`, ...conflictNote]);
  return result(asset, 'not_affected', [...proofs.map((p) => p()), ...conflictNote], [], sourcesOf([]));
}

function result(
  asset: Asset,
  status: AssetMatch['status'],
  reasons: string[],
  matchedProducts: string[] = [],
  sources: SourceRef[] = [],
): AssetMatch {
  return { asset, status, reasons, matchedProducts, sources: uniqueSources(sources) };
}

interface OsView {
  cpe?: string;
  identity?: string;
  /** Unquoted CPE version ("12.2(55)se"), when concrete. */
  version?: string;
  text: string;
  source?: SourceRef;
  /** Why there is no usable OS. */
  missing?: string;
}

/**
 * Each asset's OS as named through one name table: the same for every bulletin a run matches it against (a
 * re-assessment matches each asset against every open decision's bulletin). Kept only while what it was read from
 * is the same.
 */
const osViews = new WeakMap<
  Asset,
  { names: NameTable; from: Pick<Asset, 'os' | 'osCandidates' | 'name'>; view: OsView }
>();

function osOf(asset: Asset, names: NameTable): OsView {
  const known = osViews.get(asset);
  if (
    known?.names === names &&
    known.from.os === asset.os &&
    known.from.osCandidates === asset.osCandidates &&
    known.from.name === asset.name
  )
    return known.view;
  const view = osViewOf(asset, names);
  osViews.set(asset, { names, from: { os: asset.os, osCandidates: asset.osCandidates, name: asset.name }, view });
  return view;
}

function osViewOf(asset: Asset, names: NameTable): OsView {
  const os = asset.os;
  if (!os) {
    const guesses = asset.osCandidates.length
      ? `; only weak guesses: ${asset.osCandidates
          .slice(0, 3)
          .map((k) => `"${k.raw}" (${k.confidence} %)`)
          .join(', ')}`
      : '';
    return { text: asset.name, missing: `no source states the OS of ${asset.name}${guesses}` };
  }
  // named again through today's tables (a row added there applies to hosts imported before it); a CPE the source
  // itself gave is kept
  const normalized = os.named
    ? names.normalizeOs(os.named.name, os.named.servicePack)
    : os.cpe
      ? { cpe: os.cpe, note: os.note }
      : names.normalizeOs(os.raw);
  const note = normalized.note ?? os.note;
  const text = `OS "${os.raw}"${normalized.cpe ? ` (${normalized.cpe}${note ? `; ${note}` : ''}; ${describe(os.source)})` : ` (${describe(os.source)})`}`;
  if (!normalized.cpe)
    return {
      text,
      source: os.source,
      missing: `${text} is not in the OS name table (rules/names), so it cannot be compared with the bulletin's products`,
    };
  const version = cpeAttribute(normalized.cpe, 'version');
  return {
    cpe: normalized.cpe,
    identity: identityOfPrefix(normalized.cpe),
    ...(version && version !== '*' && version !== '-' ? { version: version.replace(/\\(.)/g, '$1') } : {}),
    text,
    source: os.source,
  };
}

function evaluateOs(criterion: Criterion, os: OsView): Finding {
  const pattern = criterion.cpe ?? `cpe:2.3:${criterion.identity}`;
  const comparison = compareCpe(pattern, os.cpe!);
  const verb =
    criterion.status === 'not_affected'
      ? 'is listed as not affected'
      : criterion.status === 'fixed'
        ? 'is listed as fixed'
        : 'matches the affected product';
  const by = `"${criterion.label}" (${describe(criterion.source)}${criterion.justification ? `; ${criterion.justification}` : ''})`;
  if (comparison.outcome === 'no-match')
    return { criterion, value: false, why: `${os.text} is not "${criterion.label}" (${comparison.differs})` };
  let value: Truth = true;
  let why = `${os.text} ${verb} ${by}`;
  if (criterion.constraint) {
    if (!os.version) {
      value = 'unknown';
      why = `${os.text} possibly matches ${by}: the asset's version is not known (the advisory says ${criterion.constraint.text})`;
      return { criterion, value, possibly: true, why, evidence: os.source! };
    }
    const test = satisfiesIn(criterion, os.version);
    if (test.value === false)
      return {
        criterion,
        value: false,
        why: `${os.text}: version ${os.version} is outside ${criterion.constraint.text}`,
      };
    if (test.value === 'unknown')
      return {
        criterion,
        value: 'unknown',
        why: `${os.text} against ${by}: ${test.why}`,
        evidence: os.source!,
      };
    why = `${os.text} ${verb} ${by}: version ${os.version} is in ${criterion.constraint.text}`;
  }
  if (comparison.outcome === 'possible')
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `${os.text} possibly matches ${by} (${comparison.unknown.join(', ')} not known for the asset)`,
      evidence: os.source!,
    };
  if (criterion.versionless && criterion.status === 'affected')
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `${os.text} has the name of ${by}, which states no version: possibly affected`,
      evidence: os.source!,
    };
  if (criterion.status === 'fixed') return { criterion, value: true, fixed: 'patched', why, evidence: os.source! };
  return { criterion, value, why, evidence: os.source! };
}

function satisfiesIn(criterion: Criterion, version: string): { value: Truth; why?: string } {
  if (!criterion.scheme) return { value: 'unknown', why: `patchcall has no version scheme for ${criterion.identity}` };
  return satisfies(criterion.constraint!, version, criterion.scheme);
}

function evaluateSoftware(criterion: Criterion, sw: InstalledSoftware): Finding {
  const what = `${sw.name}${sw.version ? ` ${sw.version}` : ''} (${describe(sw.source)}${sw.location ? `, ${sw.location}` : ''})`;
  const by = `"${criterion.label}" (${describe(criterion.source)}${criterion.justification ? `; ${criterion.justification}` : ''})`;
  const evidence = sw.source;
  if (criterion.versionless)
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `installed ${what} has the name of ${by}, which states no version: possibly affected`,
      evidence,
    };
  const scheme = criterion.scheme ?? (sw.purl ? schemeForPurlType(splitPurl(sw.purl)?.type ?? '') : undefined);
  const version = sw.version;
  if (criterion.status === 'fixed') return againstFixedBuild(criterion, version, scheme, what, by, evidence);
  if (!criterion.constraint)
    return { criterion, value: true, why: `installed ${what} is ${verbOf(criterion)} ${by} (every version)`, evidence };
  if (!version)
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `installed ${sw.name} (${describe(sw.source)}) has no version to compare with ${by} (${criterion.constraint.text})`,
      evidence,
    };
  if (!scheme)
    return {
      criterion,
      value: 'unknown',
      why: `installed ${what}: no version scheme is known for it, so ${criterion.constraint.text} cannot be tested`,
      evidence,
    };
  const test = satisfies(criterion.constraint, version, scheme);
  if (test.value === true)
    return {
      criterion,
      value: true,
      why: `installed ${what} is ${verbOf(criterion)} ${by}: ${version} is in ${criterion.constraint.text}`,
      evidence,
    };
  if (test.value === false)
    return {
      criterion,
      value: false,
      why: `installed ${what}: ${version} is outside ${criterion.constraint.text} of ${by}`,
      evidence,
    };
  return { criterion, value: 'unknown', why: `installed ${what} against ${by}: ${test.why}`, evidence };
}

/** An installed build against a fixed build (Red Hat errata, Debian and Ubuntu notices): below, at or past it. */
function againstFixedBuild(
  criterion: Criterion,
  version: string | undefined,
  scheme: VersionScheme | undefined,
  what: string,
  by: string,
  evidence: SourceRef,
): Finding {
  const fixedVersion = fixedVersionOf(criterion);
  if (!fixedVersion || !version)
    return { criterion, value: 'unknown', why: `installed ${what}: cannot compare with the fixed ${by}`, evidence };
  if (criterion.stream && streamOf(version).stream !== criterion.stream)
    return {
      criterion,
      value: false,
      otherStream: true,
      why: `installed ${what} is from another stream than the fixed ${by} (${criterion.stream})`,
      evidence,
    };
  const order = scheme ? compareIn(scheme, version, fixedVersion) : undefined;
  if (order === undefined)
    return {
      criterion,
      value: 'unknown',
      why: `installed ${what} cannot be ordered against the fixed ${by}${scheme ? ` in the ${scheme} scheme` : ': no version scheme for it'}`,
      evidence,
    };
  if (order < 0 && !criterion.earlierAffected)
    return {
      criterion,
      value: false,
      why: `installed ${what} is below the fixed ${by}; the advisory's affected entries decide`,
      evidence,
    };
  return order < 0
    ? {
        criterion,
        value: true,
        fixed: 'affected',
        why: `installed ${what} is below the fixed build ${fixedVersion} of ${by}: the publisher lists fixed builds, so earlier builds of this stream are affected`,
        evidence,
      }
    : {
        criterion,
        value: true,
        fixed: 'patched',
        why: `installed ${what} is at or past the fixed build ${fixedVersion} of ${by}`,
        evidence,
      };
}

function verbOf(criterion: Criterion): string {
  return criterion.status === 'not_affected' ? 'listed as not affected by' : 'affected per';
}

function fixedVersionOf(criterion: Criterion): string | undefined {
  const constraint = criterion.constraint;
  if (constraint?.kind !== 'intervals' || constraint.intervals.length !== 1) return undefined;
  const bounds = constraint.intervals[0]!.bounds;
  return bounds.length === 1 && (bounds[0]!.op === '=' || bounds[0]!.op === '>=') ? bounds[0]!.version : undefined;
}

/** A product named only in words (a KEV entry the tables do not know): its words among an installed name. */
function findByName(criterion: Criterion, asset: Asset, software: readonly InstalledSoftware[]): Finding | undefined {
  const words = criterion.identity.slice('name:'.length).split(' ');
  const has = (text: string) => {
    const mine = new Set(nameIdentity(text).slice(5).split(' '));
    return words.every((w) => mine.has(w));
  };
  const sw = software.find((s) => has(`${s.vendor ?? ''} ${s.name}`));
  if (sw)
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `installed ${sw.name}${sw.version ? ` ${sw.version}` : ''} (${describe(sw.source)}) has the name of "${criterion.label}" (${describe(criterion.source)}), which gives no identifier or version: possibly affected`,
      evidence: sw.source,
    };
  if (asset.os && has(asset.os.raw))
    return {
      criterion,
      value: 'unknown',
      possibly: true,
      why: `OS "${asset.os.raw}" has the name of "${criterion.label}" (${describe(criterion.source)}), which gives no identifier or version: possibly affected`,
      evidence: asset.os.source,
    };
  return undefined;
}

const nameCache = new WeakMap<NameTable, Map<string, string | undefined>>();

function packageHits(c: CompiledBulletin, sw: InstalledSoftware): PackageHits | null {
  const keys = identitiesOf(sw, c.names);
  let findings: Finding[] | undefined;
  let treeKeys: string[] | undefined;
  for (const key of keys) {
    if (c.treeIdentities.has(key)) (treeKeys ??= []).push(key);
    for (const criterion of c.byIdentity.get(key) ?? [])
      if (criterion.kind !== 'os') (findings ??= []).push(evaluateSoftware(criterion, sw));
  }
  return findings || treeKeys ? { findings: findings ?? [], treeKeys: treeKeys ?? [] } : null;
}

/**
 * The identities an installed package is known by: its purl, its source package (a deb purl's `upstream`: Debian's
 * advisories name "glibc", hosts install "libc6"), its CPE, its name through the product table.
 */
function identitiesOf(sw: InstalledSoftware, names: NameTable): string[] {
  const keys: string[] = [];
  if (sw.purl) {
    const purl = splitPurl(sw.purl);
    if (purl) {
      keys.push(purl.key);
      const identity = names.identityOfPurl(purl.key);
      if (identity) keys.push(identity);
      const upstream = purl.type === 'deb' ? /[?&]upstream=([^&#]+)/.exec(sw.purl)?.[1] : undefined;
      // Syft may write the source version after an @: the name is what identifies it
      if (upstream) {
        const source = `pkg:deb/${decodeURIComponent(upstream).split('@')[0]!.toLowerCase()}`;
        keys.push(source);
        // the source package may be a product of the table ("nginx" for nginx-full): advisories then name that
        const sourceIdentity = names.identityOfPurl(source);
        if (sourceIdentity) keys.push(sourceIdentity);
      }
    }
  }
  if (sw.cpe) keys.push(identityOfPrefix(sw.cpe));
  if (!keys.length) {
    let cache = nameCache.get(names);
    if (!cache) nameCache.set(names, (cache = new Map()));
    const text = `${sw.vendor ?? ''} ${sw.name}`.trim();
    let identity = cache.get(text);
    if (!cache.has(text)) {
      const cpe = names.normalizeProduct(text).cpe ?? names.normalizeProduct(sw.name).cpe;
      identity = cpe ? identityOfPrefix(cpe) : undefined;
      cache.set(text, identity);
    }
    if (identity) keys.push(identity);
  }
  return keys.length > 1 ? [...new Set(keys)] : keys;
}

/**
 * A statement that holds on one platform only (a distribution release's fixed build), on a host whose OS is unknown:
 * the build may be another release's, so it decides nothing either way. A stream in the version (el8) still tells.
 */
function placed(finding: Finding, os: OsView): Finding {
  const criterion = finding.criterion;
  if (!criterion.platformCpe || os.cpe || criterion.stream || finding.value === false) return finding;
  return {
    criterion,
    value: 'unknown',
    possibly: finding.value === true && finding.fixed !== 'patched',
    why: `${finding.why}; but that holds on ${criterion.platformLabel ?? criterion.platformCpe} only, and ${os.missing}`,
    ...(finding.evidence ? { evidence: finding.evidence } : {}),
  };
}

/** A statement that counts towards "affected": what a host must be cleared of. */
function counts(criterion: Criterion): boolean {
  return (
    criterion.status === 'affected' ||
    criterion.status === 'under_investigation' ||
    (criterion.status === 'fixed' && !!criterion.earlierAffected)
  );
}

/**
 * Installed packages the advisory names only on other platforms (a notice for Ubuntu 20.04 and 22.04 on an Ubuntu
 * 24.04 host, an erratum for RHEL 8 on a Rocky 8 host): the advisory does not speak for this host's build, so it is
 * unknown, one finding per package identity the host's own platform has no statement about.
 */
function silentFindings(
  elsewhere: { sw: InstalledSoftware; finding: Finding }[],
  spoken: Set<string>,
  os: OsView,
  bulletinId: string,
): Finding[] {
  const byIdentity = new Map<string, { sw: InstalledSoftware; finding: Finding }[]>();
  for (const hit of elsewhere) {
    const identity = hit.finding.criterion.identity;
    if (spoken.has(identity)) continue;
    const list = byIdentity.get(identity);
    if (list) list.push(hit);
    else byIdentity.set(identity, [hit]);
  }
  return [...byIdentity.values()].map((list) => {
    const { sw, finding } = list[0]!;
    const where = list.map((h) =>
      h.finding.otherStream ? { platformLabel: `the ${h.finding.criterion.stream} stream` } : h.finding.criterion,
    );
    return {
      criterion: finding.criterion,
      value: 'unknown',
      possibly: true,
      why: `installed ${sw.name}${sw.version ? ` ${sw.version}` : ''} (${describe(sw.source)}): ${bulletinId} speaks for ${platformsOf(where)} only, not for ${os.text}, so it does not say whether this build is affected`,
      evidence: sw.source,
    };
  });
}

/** "Ubuntu 18.04, Ubuntu 20.04, Ubuntu 22.04": the platforms a list of statements holds on. */
function platformsOf(criteria: { platformLabel?: string; platformCpe?: string }[]): string {
  const names = [...new Set(criteria.map((k) => k.platformLabel ?? k.platformCpe ?? 'another platform'))].sort();
  return names.length > 4 ? `${names.slice(0, 4).join(', ')}, … (${names.length} platforms)` : names.join(', ');
}

/** Linux distributions: any of them can carry another distribution's deb or rpm package names. */
const DISTRIBUTION_OS = /linux|rhel|centos|rocky|alma|fedora|suse|sles|debian|ubuntu|amazon|oracle|mint/;

/**
 * Could a platform-bound product be on this OS although the advisory names another platform? The same OS at another
 * release can (the notice does not speak for it), and so can any Linux distribution for a deb or rpm package; a
 * Windows host cannot hold Ubuntu's packages, so there "not a platform" stands.
 */
function mayRunOn(criterion: Criterion, ecosystem: Ecosystem, osIdentity: string): boolean {
  if (!criterion.platformCpe) return false;
  if (identityOfPrefix(criterion.platformCpe) === osIdentity) return true;
  return (ecosystem === 'deb' || ecosystem === 'rpm') && DISTRIBUTION_OS.test(osIdentity);
}

/** A CSAF relationship's statement holds only on its platform: elsewhere it does not apply. */
function applies(criterion: Criterion, os: OsView, run: MatchRun<Finding>): boolean {
  if (!criterion.platformCpe || !os.cpe) return true;
  return run.appliesOn(criterion.platformCpe, os.cpe);
}

function componentOn(criterion: Criterion, osIdentity: string, names: NameTable): boolean {
  const component = names.componentOf(criterion.identity);
  return !!component && osIdentity.startsWith(component.os);
}

function completeInventory(asset: Asset, ecosystem: Ecosystem): SoftwareInventory | undefined {
  const kinds = COVERING[ecosystem];
  return (asset.softwareInventories ?? []).find((inventory) => inventory.complete && kinds.includes(inventory.kind));
}

function describeInventories(asset: Asset): string {
  const list = asset.softwareInventories ?? [];
  if (!list.length) return ' (no software inventory at all, only the OS)';
  return ` (has: ${list.map((i) => `${i.kind} ${i.complete ? 'complete' : `incomplete: ${i.completeBecause}`}`).join('; ')})`;
}

/**
 * An NVD tree none of whose software the host has: decided once per OS identity and complete inventory of the kind
 * its leaves need (programs, or an SBOM for libraries); a tree needing both kinds is decided for the host alone.
 */
function treeWithoutHits<V>(
  tree: CompiledBulletin['trees'][number],
  asset: Asset,
  os: OsView,
  run: MatchRun<Finding>,
  decide: () => V,
): V {
  if (tree.absenceKinds.length > 1) return decide();
  return run.treeWithoutHits(tree, os.identity, completeInventory(asset, tree.absenceKinds[0] ?? 'programs'), decide);
}

function ecosystemWords(ecosystem: Ecosystem): string {
  return ecosystem === 'programs' ? 'application' : ecosystem;
}

/** An NVD leaf for one asset. */
function leaf(
  criterion: Criterion,
  asset: Asset,
  os: OsView,
  software: InstalledSoftware[],
  names: NameTable,
): { value: Truth; why: string } {
  if (criterion.kind === 'os') {
    if (!os.cpe) return { value: 'unknown', why: os.missing! };
    if (os.identity !== criterion.identity) return { value: false, why: `${os.text} is not ${criterion.cpe}` };
    const finding = evaluateOs(criterion, os);
    return { value: finding.value, why: finding.why };
  }
  let best: Finding | undefined;
  for (const sw of software) {
    const finding = evaluateSoftware(criterion, sw);
    if (finding.value === true) return { value: true, why: finding.why };
    if (!best || finding.value === 'unknown') best = finding;
  }
  if (best) return { value: best.value, why: best.why };
  if (os.identity && componentOn(criterion, os.identity, names))
    return {
      value: true,
      why: `${criterion.cpe} ships with ${os.text}: ${names.componentOf(criterion.identity)?.note ?? 'a component of that OS'}`,
    };
  const complete = completeInventory(asset, criterion.ecosystem ?? 'programs');
  if (complete)
    return {
      value: false,
      why: `the complete ${complete.kind} inventory (${describe(complete.source)}) does not list ${criterion.cpe}`,
    };
  const needed = criterion.ecosystem === 'library' ? 'SBOM' : 'software inventory';
  return { value: 'unknown', why: `no complete ${needed} shows whether ${criterion.cpe} is installed` };
}

/** Kleene logic over NVD's nodes: AND is false if any part is false, OR is true if any part is true. */
function evaluateTree(
  tree: CompiledBulletin['trees'][number],
  decide: (criterion: Criterion) => { value: Truth; why: string },
): { value: Truth; why: string } {
  const nodes = tree.applicability.nodes.map((node) => {
    const leaves = node.matches.map((match) => ({ match, ...decide(tree.leaves.get(match)!) }));
    const value = combine(
      node.operator,
      leaves.map((l) => l.value),
    );
    const negated = node.negate ? negate(value) : value;
    const relevant = leaves.filter(
      (l) => l.value === (node.operator === 'AND' ? (value === true ? true : value) : value),
    );
    return { node, value: negated, leaves: relevant.length ? relevant : leaves };
  });
  const combined = combine(
    tree.applicability.operator,
    nodes.map((n) => n.value),
  );
  const value = tree.applicability.negate ? negate(combined) : combined;
  const say = (list: typeof nodes) =>
    list
      .map((n) => {
        const vulnerable = n.leaves.filter((l) => l.match.vulnerable);
        const platform = n.leaves.filter((l) => !l.match.vulnerable);
        const parts = [...vulnerable, ...platform].slice(0, 2).map((l) => l.why);
        return parts.join('; ');
      })
      .join(' AND ');
  if (value === true) return { value, why: say(nodes.filter((n) => n.value === true)) };
  if (value === 'unknown') return { value, why: say(nodes.filter((n) => n.value === 'unknown')) };
  const falseNodes = nodes.filter((n) => n.value === false);
  return {
    value,
    why: `does not apply: ${falseNodes
      .map((n) =>
        n.node.matches.some((m) => !m.vulnerable)
          ? `not running on any of its ${n.node.matches.length} platforms`
          : `none of its ${n.node.matches.length} vulnerable products is present (${n.leaves[0]?.why ?? ''})`,
      )
      .join('; ')}`,
  };
}

function combine(operator: 'AND' | 'OR', values: Truth[]): Truth {
  if (operator === 'AND') {
    if (values.includes(false)) return false;
    return values.includes('unknown') ? 'unknown' : true;
  }
  if (values.includes(true)) return true;
  return values.includes('unknown') ? 'unknown' : false;
}

function negate(value: Truth): Truth {
  return value === 'unknown' ? 'unknown' : !value;
}

function sample<T extends { label: string }>(list: T[], keep?: (item: T) => boolean): string {
  const labels: string[] = [];
  for (const item of list) {
    if (keep && !keep(item)) continue;
    if (!labels.includes(item.label)) labels.push(item.label);
    if (labels.length > 3) break;
  }
  return `: ${labels
    .slice(0, 3)
    .map((l) => `"${l}"`)
    .join(', ')}${labels.length > 3 ? `, … (${list.length} entries)` : ''}`;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function uniqueSources(sources: SourceRef[]): SourceRef[] {
  if (sources.length < 2) return sources;
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.format}|${s.document}|${s.locator ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(source: { format: string; document: string; locator?: string } | undefined): string {
  if (!source) return 'an unnamed source';
  return `${source.format}: ${source.document}${source.locator ? ` ${source.locator}` : ''}`;
}
