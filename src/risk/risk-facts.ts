/**
 * The facts for one (bulletin, asset): the SSVC inputs the rulebook reads and the patch-side facts the plan
 * weighs, each with its source in words. Evidence dated after `now` is left out, so replaying a past day gives
 * the verdict that day's facts supported.
 */
import type { Dayjs } from 'dayjs';
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure, PathStep } from '../exposure/model';
import type { Asset } from '../inventory/model';
import { instant } from './deadline';
import { describeSource } from './describe-source';
import { humanImpactOf } from './human-impact-table';
import type {
  Automatable,
  Exploitation,
  FactWithSource,
  HumanImpact,
  MissionImpact,
  SafetyImpact,
  SystemExposure,
} from './model';
import type { Policy } from './policy';
import type { Rulebook } from './rulebook';
import { EXPLOITATION, SAFETY_IMPACT, type SsvcInputs, type TechnicalImpact, type YesNo } from './ssvc-values';

/** A person's call on a fact, recorded with a reason; it wins over every feed. */
export interface Override<T> {
  value: T;
  reason: string;
  by?: string;
}

export interface FactOverrides {
  exploitation?: Override<Exploitation>;
  automatable?: Override<Automatable>;
  technicalImpact?: Override<TechnicalImpact>;
  /** Keyed by asset id. */
  systemExposure?: Record<string, Override<SystemExposure>>;
}

export interface BulletinFacts {
  exploitation: FactWithSource<Exploitation>;
  automatable: FactWithSource<Automatable>;
  technicalImpact: FactWithSource<TechnicalImpact>;
  inKev: FactWithSource<YesNo>;
  /** KEV due date (YYYY-MM-DD) when listed by `now` and the catalog gives one. */
  kevDueDate?: string;
  kevDateAdded?: string;
  /** When the fix became available: the vendor fix's date, else the bulletin's release. ISO. */
  fixReleasedAt?: FactWithSource<string>;
  restartRequired: FactWithSource<boolean>;
  fixIds: string[];
  /** A later fix in the bulletin replaces the vendor fix. */
  fixSuperseded: FactWithSource<boolean>;
  knownIssues: FactWithSource<string>;
  /** Facts that exist but were not yet known at `now`. */
  notYetKnown: string[];
}

/** The exposure route that decided an open or controlled verdict: where a block would act. */
export interface ExposureRoute {
  /** "tcp/139, tcp/445" */
  port: string;
  zone: string;
  filter: string;
  rules?: number[];
  ruleTexts?: string[];
  /** Ports unknown: these are the host's own ports, not the vulnerable service's, so no block is planned on them. */
  portsAssumed?: boolean;
}

/** The route's filter when no filter rule lets the traffic through (an unfiltered path). */
export const UNFILTERED_ROUTE = 'no filter on the path';

export interface AssetFacts {
  inputs: SsvcInputs;
  facts: Record<string, FactWithSource>;
  route?: ExposureRoute;
}

export function bulletinFacts(
  bulletin: Bulletin,
  policy: Policy,
  now: Dayjs,
  overrides: FactOverrides = {},
): BulletinFacts {
  const notYetKnown: string[] = [];
  const known = (date: string | undefined, what: string): boolean => {
    if (!date || !instant(date, policy.timezone).isAfter(now)) return true;
    notYetKnown.push(`${what} (dated ${date.slice(0, 10)}, after the assessment time)`);
    return false;
  };
  const kev = bulletin.kev.find((k) => known(k.dateAdded, `CISA KEV lists ${k.cve}`));
  const ssvc = bulletin.ssvc.filter((s) => known(s.timestamp, `CISA's SSVC record for ${s.cve}`));
  const exploitation = overrides.exploitation
    ? overridden(overrides.exploitation)
    : strongestExploitation(bulletin, kev, ssvc, policy, known);
  const automatable = overrides.automatable ? overridden(overrides.automatable) : automatableFact(bulletin, ssvc);
  const technicalImpact = overrides.technicalImpact
    ? overridden(overrides.technicalImpact)
    : technicalImpactFact(bulletin, ssvc);
  const fix = bulletin.remediations.find((r) => r.category === 'vendor_fix');
  const fixDate = fix?.date ?? bulletin.releasedAt?.value;
  const fixIds = bulletin.fixIds;
  const superseding = bulletin.remediations.find((r) => r.supersedes.some((id) => fixIds.includes(id)));
  const issues = bulletin.descriptions
    .concat(bulletin.remediations.map((r) => ({ text: r.details, source: r.source })))
    .filter((t) => /known issue/i.test(t.text));
  return {
    exploitation,
    automatable,
    technicalImpact,
    inKev: kev
      ? { value: 'yes', source: `CISA KEV lists ${kev.cve} since ${kev.dateAdded}` }
      : {
          value: 'no',
          source: `not in CISA KEV${bulletin.kev.length ? ' at the assessment time' : ' (no KEV entry imported)'}`,
        },
    ...(kev?.dueDate ? { kevDueDate: kev.dueDate } : {}),
    ...(kev ? { kevDateAdded: kev.dateAdded } : {}),
    ...(fixDate
      ? {
          fixReleasedAt: {
            value: fixDate,
            source: fix?.date
              ? `${fix.fixIds.join(', ') || 'the vendor fix'} dated by ${describeSource(fix.source)}`
              : `release date of ${bulletin.id} (${describeSource(bulletin.releasedAt!.source)})`,
          },
        }
      : {}),
    restartRequired: bulletin.restartRequired
      ? { value: bulletin.restartRequired.value, source: describeSource(bulletin.restartRequired.source) }
      : { value: true, source: 'assumed: no source says whether a restart is needed' },
    fixIds,
    fixSuperseded: superseding
      ? {
          value: true,
          source: `${superseding.fixIds.join(', ') || superseding.details} replaces it (${describeSource(superseding.source)})`,
        }
      : { value: false, source: `no later fix in ${bulletin.id} replaces ${fixIds.join(', ') || 'the fix'}` },
    knownIssues: issues.length
      ? { value: issues[0]!.text, source: describeSource(issues[0]!.source) }
      : { value: 'none stated', source: `no known issue is stated in ${bulletin.id}` },
    notYetKnown,
  };
}

function overridden<T extends string>(o: Override<T>): FactWithSource<T> {
  return { value: o.value, source: `set by hand${o.by ? ` by ${o.by}` : ''}: ${o.reason}` };
}

function strongestExploitation(
  bulletin: Bulletin,
  kev: Bulletin['kev'][number] | undefined,
  ssvc: Bulletin['ssvc'],
  policy: Policy,
  known: (date: string | undefined, what: string) => boolean,
): FactWithSource<Exploitation> {
  const candidates: FactWithSource<Exploitation>[] = [];
  for (const s of ssvc) {
    if (s.exploitation)
      candidates.push({
        value: s.exploitation === 'poc' ? 'public poc' : s.exploitation,
        source: `CISA's SSVC record for ${s.cve} says ${s.exploitation}`,
      });
  }
  if (kev)
    candidates.push({ value: 'active', source: `CISA KEV lists ${kev.cve} as exploited (added ${kev.dateAdded})` });
  for (const e of bulletin.exploitation) {
    if (known(e.date, `${describeSource(e.source)}: ${e.evidence}`)) {
      candidates.push({
        value: e.status === 'poc' ? 'public poc' : e.status,
        source: `${describeSource(e.source)}: ${e.evidence}`,
      });
    }
  }
  const exploitRef = bulletin.references.find((r) => r.tags.some((t) => t.toLowerCase() === 'exploit'));
  if (exploitRef)
    candidates.push({
      value: 'public poc',
      source: `${describeSource(exploitRef.source)} lists an exploit reference (${exploitRef.url})`,
    });
  for (const e of bulletin.epss) {
    if (e.score >= policy.epssThreshold && known(e.scoreDate, `EPSS ${e.score} for ${e.cve}`)) {
      candidates.push({
        value: 'public poc',
        source: `EPSS gives ${e.cve} ${e.score} (at or above the policy threshold ${policy.epssThreshold})`,
      });
    }
  }
  const best = candidates.reduce<FactWithSource<Exploitation> | undefined>(
    (a, c) => (!a || EXPLOITATION.indexOf(c.value) > EXPLOITATION.indexOf(a.value) ? c : a),
    undefined,
  );
  return (
    best ?? {
      value: 'none',
      source: `no source reports exploitation or a public exploit for ${bulletin.cves.join(', ') || bulletin.id}`,
    }
  );
}

function automatableFact(bulletin: Bulletin, ssvc: Bulletin['ssvc']): FactWithSource<Automatable> {
  if (bulletin.automatable)
    return {
      value: bulletin.automatable.value,
      source: `${describeSource(bulletin.automatable.source)} says it is ${bulletin.automatable.value === 'yes' ? 'wormable' : 'not automatable'}`,
    };
  const cisa = ssvc.find((s) => s.automatable);
  if (cisa) return { value: cisa.automatable!, source: `CISA's SSVC record for ${cisa.cve} says ${cisa.automatable}` };
  const score = bulletin.scores.find((s) => /AV:N/.test(s.vector));
  const vector = score?.vector ?? bulletin.scores[0]?.vector;
  if (!vector) return { value: 'yes', source: 'assumed: no source says, and there is no CVSS vector to judge from' };
  const v3 = /AV:N/.test(vector) && /AC:L/.test(vector) && /PR:N/.test(vector) && /UI:N/.test(vector);
  const v2 = /AV:N/.test(vector) && /AC:L/.test(vector) && /Au:N/.test(vector);
  const yes = v3 || v2;
  return {
    value: yes ? 'yes' : 'no',
    source: `heuristic from the CVSS vector ${vector}: ${yes ? 'network, low complexity, no privileges or interaction' : 'needs access, privileges or interaction'}`,
  };
}

function technicalImpactFact(bulletin: Bulletin, ssvc: Bulletin['ssvc']): FactWithSource<TechnicalImpact> {
  const cisa = ssvc.find((s) => s.technicalImpact);
  if (cisa)
    return { value: cisa.technicalImpact!, source: `CISA's SSVC record for ${cisa.cve} says ${cisa.technicalImpact}` };
  const vector = bulletin.scores[0]?.vector;
  if (!vector) return { value: 'total', source: 'assumed: no source says, and there is no CVSS vector to judge from' };
  const total = /C:H\/I:H\/A:H/.test(vector) || /C:C\/I:C\/A:C/.test(vector);
  return { value: total ? 'total' : 'partial', source: `heuristic from the CVSS vector ${vector}` };
}

/**
 * Shares equal facts between assets, so 100,000 verdicts hold a few thousand fact objects, not millions. A pool
 * serves one rulebook: the inventory profiles it memoizes are keyed by asset fields alone.
 */
export class FactPool {
  // by value, then source: no key string to build per asset
  private readonly facts = new Map<string | number | boolean, Map<string, FactWithSource>>();
  private readonly bundles = new Map<string, unknown>();
  private readonly routes = new Map<string, ExposureRoute>();
  private readonly combined = new Map<
    BulletinFacts,
    Map<object, Map<FactWithSource, Map<FactWithSource, SharedFacts>>>
  >();

  /** One computation per distinct key. */
  memo<T>(key: string, make: () => T): T {
    const known = this.bundles.get(key);
    if (known !== undefined) return known as T;
    const value = make();
    this.bundles.set(key, value);
    return value;
  }

  fact<T extends string | number | boolean>(value: T, source: string): FactWithSource<T> {
    const bySource = inner(this.facts, value);
    const known = bySource.get(source);
    if (known) return known as FactWithSource<T>;
    const fact = { value, source };
    bySource.set(source, fact);
    return fact;
  }

  /** One object per distinct route: the plan keeps one per affected asset, and most assets share a few routes. */
  route(route: ExposureRoute): ExposureRoute {
    // each text prefixed with its length, so no content can run two routes' keys together
    let key = `${route.rules?.join(',')}|${route.port.length}:${route.port}${route.zone.length}:${route.zone}${route.filter.length}:${route.filter}`;
    for (const text of route.ruleTexts ?? []) key += `${text.length}:${text}`;
    const known = this.routes.get(key);
    if (known) return known;
    this.routes.set(key, route);
    return route;
  }

  /** The facts record and inputs for one combination of shared fact objects, built once. */
  shared(
    bulletin: BulletinFacts,
    profile: object,
    systemExposure: FactWithSource,
    publiclyExposed: FactWithSource,
    make: () => SharedFacts,
  ): SharedFacts {
    const byPublic = inner(inner(inner(this.combined, bulletin), profile), systemExposure);
    let shared = byPublic.get(publiclyExposed);
    if (!shared) byPublic.set(publiclyExposed, (shared = make()));
    return shared;
  }
}

function inner<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let found = map.get(key);
  if (!found) map.set(key, (found = new Map<K2, V>()));
  return found;
}

type SharedFacts = Pick<AssetFacts, 'inputs' | 'facts'>;

/**
 * The facts for one asset. Assets with equal facts share one `facts` record and one `inputs` object (per pool),
 * so treat both as read-only.
 */
export function assetFacts(
  asset: Asset,
  exposure: AssetExposure | undefined,
  bulletin: BulletinFacts,
  rulebook: Rulebook,
  overrides: FactOverrides = {},
  pool: FactPool = new FactPool(),
): AssetFacts {
  const exposureFact = systemExposureFact(asset, exposure, overrides.systemExposure?.[asset.id]);
  const publiclyExposed: FactWithSource<YesNo> = exposure
    ? pool.fact(
        exposure.publiclyExposed ? 'yes' : 'no',
        exposure.publiclyExposed ? 'reachable from the internet zone' : 'not reachable from the internet zone',
      )
    : pool.fact('yes', 'assumed: no exposure analysis for this asset');
  const systemExposure = pool.fact(exposureFact.fact.value, exposureFact.fact.source);
  // assets with the same inventory profile get the same fact objects
  const profile = pool.memo(profileKeyOf(asset), () => profileFacts(asset, rulebook));
  const shared = pool.shared(bulletin, profile, systemExposure, publiclyExposed, () => {
    const facts: Record<string, FactWithSource> = {
      exploitation: bulletin.exploitation,
      automatable: bulletin.automatable,
      systemExposure,
      safetyImpact: profile.safetyImpact,
      missionImpact: profile.missionImpact,
      humanImpact: profile.humanImpact,
      inKev: bulletin.inKev,
      publiclyExposed,
      technicalImpact: bulletin.technicalImpact,
      restartRequired: bulletin.restartRequired,
      fixSuperseded: bulletin.fixSuperseded,
      knownIssues: bulletin.knownIssues,
      environment: profile.environment,
      criticality: profile.criticality,
      patchedBy: profile.patchedBy,
      clusterMember: profile.clusterMember,
    };
    if (bulletin.fixReleasedAt) facts.fixReleasedAt = bulletin.fixReleasedAt;
    const inputs: SsvcInputs = {
      exploitation: bulletin.exploitation.value,
      systemExposure: systemExposure.value,
      automatable: bulletin.automatable.value,
      humanImpact: profile.humanImpact.value,
      safetyImpact: profile.safetyImpact.value,
      missionImpact: profile.missionImpact.value,
      inKev: bulletin.inKev.value,
      publiclyExposed: publiclyExposed.value,
      technicalImpact: bulletin.technicalImpact.value,
    };
    return { inputs, facts };
  });
  return exposureFact.route
    ? { inputs: shared.inputs, facts: shared.facts, route: pool.route(exposureFact.route) }
    : { inputs: shared.inputs, facts: shared.facts };
}

/** What makes two assets' inventory facts the same: the fields they are read from, and the documents saying so. */
function profileKeyOf(asset: Asset): string {
  const documents =
    asset.sources.length === 1
      ? `${asset.sources[0]!.format}:${asset.sources[0]!.document}`
      : asset.sources.map((s) => `${s.format}:${s.document}`).join('|');
  return `${asset.environment}|${asset.criticality}|${asset.patchedBy}|${asset.provider}|${asset.patchSlaDays}|${asset.cluster}|${asset.tags.join(',')}|${documents}`;
}

/** The facts an asset's inventory record gives: impacts per policy, environment, criticality, patcher, cluster. */
function profileFacts(asset: Asset, rulebook: Rulebook) {
  const inventory = sourceOfAsset(asset);
  const safety = safetyImpactFact(asset, rulebook.policy);
  const mission = missionImpactFact(asset, rulebook.policy);
  const humanImpact = humanImpactOf(rulebook.humanImpact, safety.value, mission.value);
  return {
    safetyImpact: safety,
    missionImpact: mission,
    humanImpact: {
      value: humanImpact,
      source: `CERT/CC Human Impact table: safety impact "${safety.value}" with mission impact "${mission.value}"`,
    } as FactWithSource<HumanImpact>,
    environment: { value: asset.environment, source: inventory },
    criticality: { value: asset.criticality, source: inventory },
    patchedBy:
      asset.patchedBy === 'provider'
        ? {
            value: `provider ${asset.provider ?? '(unnamed)'}${asset.patchSlaDays !== undefined ? `, contract SLA ${asset.patchSlaDays} days` : ''}`,
            source: inventory,
          }
        : { value: 'self', source: inventory },
    clusterMember: asset.cluster
      ? { value: asset.cluster, source: `${inventory}: member of cluster "${asset.cluster}"` }
      : { value: false, source: 'no cluster is recorded' },
  };
}

function sourceOfAsset(asset: Asset): string {
  return asset.sources.length ? `inventory (${asset.sources.map(describeSource).join(', ')})` : 'inventory';
}

function systemExposureFact(
  asset: Asset,
  exposure: AssetExposure | undefined,
  override: Override<SystemExposure> | undefined,
): { fact: FactWithSource<SystemExposure>; route?: ExposureRoute } {
  const route = exposure ? decidingRoute(exposure) : undefined;
  if (override) return { fact: overridden(override), ...(route ? { route } : {}) };
  if (!exposure)
    return {
      fact: { value: 'open', source: `assumed: no exposure analysis for ${asset.name}, so it is treated as open` },
    };
  const from =
    route && `${route.port} reachable from ${route.zone === 'internet' ? 'the internet' : `zone ${route.zone}`}`;
  const reason = route?.rules
    ? `${from} through ${route.rules.length === 1 ? 'rule' : 'rules'} ${route.rules.join(', ')} of ${route.filter}`
    : route
      ? `${from}${exposure.reasons[0] ? ` (${exposure.reasons[0]})` : ', with no filter rule on the path'}`
      : (exposure.reasons[0] ?? `no vulnerable port is reachable (zone ${exposure.zone})`);
  const source = exposure.portsAssumed ? `${reason}; ${exposure.portsAssumed}` : reason;
  return { fact: { value: exposure.systemExposure, source }, ...(route ? { route } : {}) };
}

/**
 * The widest zone that reaches a vulnerable port (the internet first), and the filter rules that let it through:
 * every port open from that zone, so a block closes them all. Plain loops: this runs once per affected asset.
 */
function decidingRoute(exposure: AssetExposure): ExposureRoute | undefined {
  let zone: string | undefined;
  widest: for (const p of exposure.ports) {
    for (const z of p.reachableFrom) {
      zone ??= z.zone;
      if (z.zone === 'internet') {
        zone = z.zone;
        break widest;
      }
    }
  }
  if (zone === undefined) return undefined;
  const ports: string[] = [];
  const steps: (PathStep | undefined)[] = [];
  for (const p of exposure.ports) {
    for (const z of p.reachableFrom) {
      if (z.zone !== zone) continue;
      ports.push(`${p.protocol}/${p.port}${p.toPort !== undefined ? `-${p.toPort}` : ''}`);
      steps.push(lastAccepting(z.path));
    }
  }
  const first = steps.find((s) => s !== undefined);
  const assumed = exposure.portsAssumed ? { portsAssumed: true } : {};
  if (!first) return { port: ports.join(', '), zone, filter: UNFILTERED_ROUTE, ...assumed };
  const open: string[] = [];
  const rules: number[] = [];
  const ruleTexts: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step?.filter !== first.filter) continue;
    addOnce(open, ports[i]!);
    addOnce(rules, step.rule!.number);
    addOnce(ruleTexts, step.rule!.text);
  }
  return { port: open.join(', '), zone, filter: first.filter, rules, ruleTexts, ...assumed };
}

/** The last step on the path that let the traffic through by a rule. */
function lastAccepting(path: PathStep[]): PathStep | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    if (step.verdict === 'accept' && step.rule) return step;
  }
  return undefined;
}

function addOnce<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

function safetyImpactFact(asset: Asset, policy: Policy): FactWithSource<SafetyImpact> {
  const tagged = asset.tags
    .filter((t) => policy.safetyImpact.byTag[t] !== undefined)
    .map((t) => ({ tag: t, value: policy.safetyImpact.byTag[t]! }))
    .sort((a, b) => SAFETY_IMPACT.indexOf(b.value) - SAFETY_IMPACT.indexOf(a.value));
  const top = tagged[0];
  if (top && SAFETY_IMPACT.indexOf(top.value) > SAFETY_IMPACT.indexOf(policy.safetyImpact.default)) {
    return { value: top.value, source: `tag "${top.tag}" (policy.json safetyImpact.byTag)` };
  }
  return { value: policy.safetyImpact.default, source: 'policy.json default (no safety tag on the asset)' };
}

function missionImpactFact(asset: Asset, policy: Policy): FactWithSource<MissionImpact> {
  const m = policy.missionImpact;
  if (m.nonProductionEnvironments.includes(asset.environment)) {
    return {
      value: m.nonProduction,
      source: `${asset.environment} environment (policy.json missionImpact.nonProduction)`,
    };
  }
  return {
    value: m.byCriticality[asset.criticality],
    source: `criticality ${asset.criticality} (policy.json missionImpact.byCriticality)`,
  };
}
