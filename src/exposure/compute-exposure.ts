/**
 * Exposure of affected assets: for each vulnerable port, which zones (and which source ranges in them) can open a
 * connection, through which deciding rule of each filter on the way; then the SSVC System Exposure.
 *
 * Assets that see the same rule decisions share one computation: an asset's signature is its zone, its hops and,
 * per filter, the class of its address among the filter's destination boundaries (see `destinationClass`).
 */
import type { PortSpec } from '../bulletins/model';
import type { Asset, AssetMatch } from '../inventory/model';
import { AddressSet } from './address-set';
import { LEVEL_ORDER, type ExposureLevel, type ExposureRules } from './exposure-rules';
import type { AddressFamily, AssetExposure, Filter, PathStep, PortReach, ZoneReach } from './model';
import { INTERNET_ZONE, type NetworkDescription } from './network-model';
import { describeRule, destinationClass, evaluateFilter, type Decision, type Traffic } from './reachability';
import { NO_ZONE, readAddress, Topology, type Hop } from './topology';

export interface ExposureInputs {
  filters: readonly Filter[];
  network?: NetworkDescription;
  ports: readonly PortSpec[];
  rules: ExposureRules;
}

/** Exposure of every affected asset of a bulletin, in the order given. */
export function computeExposure(matches: readonly AssetMatch[], inputs: ExposureInputs): AssetExposure[] {
  const engine = new ExposureEngine(inputs);
  return matches.filter((m) => m.status === 'affected').map((m) => engine.assetExposure(m.asset));
}

interface HopDecision {
  sources: AddressSet;
  step: PathStep;
  /** Parallel to step.assumptions: the sources each assumption concerns. */
  scopes: AddressSet[];
  variants: Map<string, PathStep>;
}

/** A hop's decisions as one sorted list of intervals (they partition the family's addresses), for sweeping. */
interface HopPartition {
  decisions: HopDecision[];
  lo: bigint[];
  hi: bigint[];
  index: number[];
}

interface Segment {
  sources: AddressSet;
  steps: PathStep[];
}

/** The `filter` of the one step of a path that crosses no filter at all. */
export const NO_FILTER = '(none)';
const NOT_LISTENING = new Set(['closed']);
const UNKNOWN_STATES = new Set(['filtered', 'open|filtered', 'closed|filtered']);

/** Holds the caches for one set of inputs; reuse it across assets (and across what-if runs on other inputs, not). */
export class ExposureEngine {
  readonly topology: Topology;
  private readonly hopCache = new Map<string, HopPartition>();
  private readonly resultCache = new Map<string, Omit<AssetExposure, 'assetId' | 'assetName'>>();

  constructor(private readonly inputs: ExposureInputs) {
    this.topology = new Topology(inputs.network, inputs.filters);
  }

  assetExposure(asset: Asset): AssetExposure {
    const addresses = asset.addresses.map((text) => ({ text, parsed: readAddress(text) }));
    const usable = addresses.flatMap((a) => (a.parsed ? [{ text: a.text, ...a.parsed, zone: this.topology.zoneOf(a.parsed.family, a.parsed.value) ?? NO_ZONE }] : []));
    const states = this.inputs.ports.map((p) => asset.services.find((s) => s.protocol === p.protocol && s.port === p.port)?.state ?? '');
    // texts in a cached result never name the asset, so every asset with the same signature can share it
    const signature = [
      usable.map((a) => `${a.family}:${a.zone}:${a.zone === NO_ZONE ? a.text : ''}:${this.hopSignature(this.topology.hops(asset, a.zone, INTERNET_ZONE), a.family, a.value)}`).join('|'),
      states.join(','),
      addresses.filter((a) => !a.parsed).map((a) => a.text).join(','),
    ].join('§');
    let result = this.resultCache.get(signature);
    if (!result) {
      result = this.compute(asset, usable, addresses.filter((a) => !a.parsed).map((a) => a.text), states);
      this.resultCache.set(signature, result);
    }
    return { assetId: asset.id, assetName: asset.name, ...result };
  }

  /** The hops and, per filter, the asset address's destination class: equal signatures, equal verdicts. */
  private hopSignature(hops: Hop[], family: AddressFamily, value: bigint): string {
    return hops
      .map((hop) => {
        const names = hop.kind === 'filter' ? [hop.filter] : hop.groups;
        const classes = names.map((n) => {
          const filter = this.topology.filter(n, family);
          return filter ? destinationClass(filter, family, value) : '-';
        });
        return `${hopKey(hop)}=${classes.join(',')}`;
      })
      .join('/');
  }

  private compute(
    asset: Asset,
    usable: { text: string; family: AddressFamily; value: bigint; zone: string }[],
    badAddresses: string[],
    states: string[],
  ): Omit<AssetExposure, 'assetId' | 'assetName'> {
    const warnings: string[] = [];
    const reasons: string[] = [];
    const zone = usable.find((a) => a.zone !== NO_ZONE)?.zone ?? NO_ZONE;
    for (const text of badAddresses) warnings.push(`"${text}" is not an IP address; it was left out`);
    if (!usable.length) warnings.push('no IP address in the inventory: reachability unknown');
    const zones = [...new Set(usable.map((a) => a.zone))];
    if (zones.includes(NO_ZONE)) {
      const outside = usable.filter((a) => a.zone === NO_ZONE).map((a) => a.text);
      warnings.push(`${outside.join(', ')} lies in no zone of the network description${this.inputs.network ? '' : ' (none is imported)'}: no zone guard applies, only its own filters`);
    }
    if (zones.length > 1) warnings.push(`addresses in several zones (${zones.join(', ')}): each address is analysed in its own zone`);
    if (!this.inputs.ports.length) warnings.push('the bulletin names no ports and rules/service-ports.json knows none for its products: reachability is unknown');

    const ports = this.inputs.ports.map((port, i) => this.portReach(asset, usable, port, states[i]!, reasons, warnings));
    const reaching = ports.flatMap((p) => p.reachableFrom.map((z) => z.zone));
    const unknown = !usable.length || !this.inputs.ports.length;
    const { level, why } = this.level(reaching, zone, unknown);
    reasons.unshift(`System Exposure ${level}: ${why}`);
    return {
      zone,
      ports,
      systemExposure: level,
      publiclyExposed: reaching.includes(INTERNET_ZONE),
      reasons,
      warnings: [...new Set(warnings)],
    };
  }

  private level(reaching: string[], ownZone: string, unknown: boolean): { level: ExposureLevel; why: string } {
    const { rules } = this.inputs;
    if (unknown) return { level: rules.unknown, why: `reachability unknown (rules/exposure.json "unknown": ${rules.unknown})` };
    if (!reaching.length) return { level: 'small', why: 'no zone can open a connection to a vulnerable port' };
    let best: { level: ExposureLevel; zone: string } | undefined;
    for (const zone of new Set(reaching)) {
      const level = zone === ownZone ? rules.ownZone : (rules.zones[zone] ?? rules.otherZone);
      if (!best || LEVEL_ORDER[level] > LEVEL_ORDER[best.level]) best = { level, zone };
    }
    const zones = [...new Set(reaching)].join(', ');
    return { level: best!.level, why: `reachable from ${zones}; ${best!.zone}${best!.zone === ownZone ? ' (its own zone)' : ''} → ${best!.level} in rules/exposure.json` };
  }

  private portReach(
    asset: Asset,
    usable: { text: string; family: AddressFamily; value: bigint; zone: string }[],
    port: PortSpec,
    state: string,
    reasons: string[],
    warnings: string[],
  ): PortReach {
    const label = `${port.protocol}/${port.port}`;
    const reach: Segment[][] = [];
    const blocked: Segment[][] = [];
    const zoneNames: string[] = [];
    for (const zone of this.topology.zones) {
      const open: Segment[] = [];
      const shut: Segment[] = [];
      for (const address of usable) {
        const sources = zone.addresses.only(address.family);
        if (sources.isEmpty()) continue;
        const hops = this.topology.hops(asset, address.zone, zone.name);
        let segments: Segment[] = [{ sources, steps: [] }];
        if (!hops.length) {
          const note = `no filter stands between zone ${zone.name} and the asset's ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address in ${address.zone}: open`;
          segments = [{ sources, steps: [{ filter: NO_FILTER, chain: '-', verdict: 'accept', policy: 'no filter on the path', assumptions: [note] }] }];
        }
        for (const hop of hops) {
          const traffic: Traffic = { family: address.family, destination: address.value, protocol: port.protocol, port: port.port };
          const partition = this.hopDecisions(hop, traffic, zone.name, address.zone);
          const next: Segment[] = [];
          for (const segment of segments) {
            for (const [i, part] of split(segment.sources, address.family, partition)) {
              const decision = partition.decisions[i]!;
              (decision.step.verdict === 'accept' ? next : shut).push({ sources: part, steps: [...segment.steps, stepFor(decision, part)] });
            }
          }
          segments = next;
        }
        open.push(...segments);
      }
      zoneNames.push(zone.name);
      reach.push(open);
      blocked.push(shut);
    }
    const reachableFrom = zoneNames.flatMap((zone, i) => groupByPath(zone, reach[i]!));
    const blockedFrom = zoneNames.flatMap((zone, i) => groupByPath(zone, blocked[i]!));
    for (const z of [...reachableFrom, ...blockedFrom]) for (const step of z.path) warnings.push(...step.assumptions);

    if (NOT_LISTENING.has(state)) {
      reasons.push(`${label} is closed in the scan: nothing listens there, whatever the rules allow${reachableFrom.length ? ` (they would let ${[...new Set(reachableFrom.map((z) => z.zone))].join(', ')} through)` : ''}`);
      return { protocol: port.protocol, port: port.port, scanState: state, reachableFrom: [], blockedFrom };
    }
    if (UNKNOWN_STATES.has(state)) warnings.push(`${label} was seen "${state}" by the scan: a filter answered or nothing did; that is unknown from the scanner's vantage point, not safe`);
    if (!reachableFrom.length) reasons.push(`${label} is reachable from no zone`);
    for (const z of reachableFrom) reasons.push(`${label} reachable from ${z.zone === INTERNET_ZONE ? 'the internet' : z.zone} (${rangesText(z.ranges)}) ${pathText(z.path)}`);
    return { protocol: port.protocol, port: port.port, ...(state ? { scanState: state } : {}), reachableFrom, blockedFrom };
  }

  /**
   * One hop's verdicts for every source address of the family, cached per destination class and the interfaces
   * the traffic crosses: zones differ only in which of these sources they hold, so they share the walk.
   */
  private hopDecisions(hop: Hop, traffic: Traffic, sourceZone: string, assetZone: string): HopPartition {
    const names = hop.kind === 'filter' ? [hop.filter] : hop.groups;
    const classes = names.map((n) => {
      const filter = this.topology.filter(n, traffic.family);
      return filter ? destinationClass(filter, traffic.family, traffic.destination) : '-';
    });
    const located: Traffic = {
      ...traffic,
      ...(hop.kind === 'filter' && hop.interfaces[sourceZone] ? { inInterface: hop.interfaces[sourceZone] } : {}),
      ...(hop.kind === 'filter' && hop.interfaces[assetZone] ? { outInterface: hop.interfaces[assetZone] } : {}),
    };
    const key = `${hopKey(hop)}|${traffic.family}|${classes.join(',')}|${traffic.protocol}/${traffic.port}|${located.inInterface ?? ''}|${located.outInterface ?? ''}`;
    let partition = this.hopCache.get(key);
    if (!partition) {
      const sources = AddressSet.allOf(traffic.family);
      const decisions = hop.kind === 'filter' ? this.filterHop(hop, located, sources) : this.groupsHop(hop.groups, traffic, sources);
      partition = toPartition(decisions, traffic.family);
      this.hopCache.set(key, partition);
    }
    return partition;
  }

  private filterHop(hop: Extract<Hop, { kind: 'filter' }>, traffic: Traffic, sources: AddressSet): HopDecision[] {
    const filter = this.topology.filter(hop.filter, traffic.family);
    if (!filter) {
      const note = `filter "${hop.filter}" is named by the network description but not imported: ${hop.filter} ${hop.chain} is assumed open`;
      return [{ sources, step: { filter: hop.filter, chain: hop.chain, verdict: 'accept', policy: 'not imported', assumptions: [note] }, scopes: [sources], variants: new Map() }];
    }
    return evaluateFilter(filter, hop.chain, traffic, sources).decisions.map((d) => ({ sources: d.sources, step: toStep(filter, d), scopes: d.assumptionScopes, variants: new Map() }));
  }

  /** AWS security groups are allow-only and unordered: a source passes when any group on the instance allows it. */
  private groupsHop(groups: string[], traffic: Traffic, sources: AddressSet): HopDecision[] {
    const out: HopDecision[] = [];
    let undecided = sources;
    const denials: HopDecision[] = [];
    for (const name of groups) {
      const filter = this.topology.filter(name, traffic.family);
      if (!filter) {
        const note = `security group "${name}" is attached to the instance but not imported: assumed to allow everything`;
        out.push({ sources: undecided, step: { filter: name, chain: 'inbound', verdict: 'accept', policy: 'not imported', assumptions: [note] }, scopes: [undecided], variants: new Map() });
        return out;
      }
      const verdict = evaluateFilter(filter, filter.entryChains.input ?? 'inbound', traffic, undecided);
      for (const d of verdict.decisions) {
        (d.verdict === 'accept' ? out : denials).push({ sources: d.sources, step: toStep(filter, d), scopes: d.assumptionScopes, variants: new Map() });
      }
      undecided = undecided.subtract(verdict.accepted);
    }
    // what no group allowed: show the first group's denial for it, so each blocked range names one step
    for (const denial of denials) {
      const part = denial.sources.intersect(undecided);
      if (part.isEmpty()) continue;
      out.push({ sources: part, step: { ...denial.step, policy: `${denial.step.policy ?? 'no rule'} in every group (${groups.join(', ')})` }, scopes: denial.scopes, variants: new Map() });
      undecided = undecided.subtract(part);
    }
    return out;
  }
}

/** The step as `part` of the decision's sources sees it: only the assumptions that concern those sources. */
function stepFor(decision: HopDecision, part: AddressSet): PathStep {
  if (!decision.step.assumptions.length) return decision.step;
  const assumptions = decision.step.assumptions.filter((_, i) => !decision.scopes[i]!.intersect(part).isEmpty());
  if (assumptions.length === decision.step.assumptions.length) return decision.step;
  // one object per subset of assumptions, so paths that differ only in the sources they hold still group together
  const key = assumptions.join('\n');
  let variant = decision.variants.get(key);
  if (!variant) decision.variants.set(key, (variant = { ...decision.step, assumptions }));
  return variant;
}

function toStep(filter: Filter, d: Decision): PathStep {
  const rule = d.rule;
  return {
    filter: filter.name,
    chain: d.chain,
    verdict: d.verdict,
    ...(rule ? { rule: { number: rule.number, text: rule.text, locator: rule.locator, document: filter.source.document, ...(rule.label ? { label: rule.label } : {}) } } : {}),
    ...(d.policy ? { policy: d.policy } : {}),
    assumptions: d.assumptions,
  };
}

function toPartition(decisions: HopDecision[], family: AddressFamily): HopPartition {
  const entries: [bigint, bigint, number][] = [];
  decisions.forEach((d, i) => {
    const intervals = d.sources.get(family);
    for (let k = 0; k < intervals.length; k += 2) entries.push([intervals[k]!, intervals[k + 1]!, i]);
  });
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { decisions, lo: entries.map((e) => e[0]), hi: entries.map((e) => e[1]), index: entries.map((e) => e[2]) };
}

/** The parts of `sources` each decision of the partition takes, in one sweep over both sorted lists. */
function split(sources: AddressSet, family: AddressFamily, partition: HopPartition): Map<number, AddressSet> {
  const intervals = sources.get(family);
  const pieces = new Map<number, bigint[]>();
  let i = 0;
  let j = 0;
  const { lo: plo, hi: phi, index } = partition;
  while (i < intervals.length && j < plo.length) {
    const lo = intervals[i]! > plo[j]! ? intervals[i]! : plo[j]!;
    const hi = intervals[i + 1]! < phi[j]! ? intervals[i + 1]! : phi[j]!;
    if (lo <= hi) {
      const list = pieces.get(index[j]!);
      if (list) list.push(lo, hi);
      else pieces.set(index[j]!, [lo, hi]);
    }
    if (intervals[i + 1]! < phi[j]!) i += 2;
    else j++;
  }
  const out = new Map<number, AddressSet>();
  for (const [k, flat] of pieces) out.set(k, AddressSet.ofIntervals(family, flat));
  return out;
}

function hopKey(hop: Hop): string {
  return hop.kind === 'filter' ? `${hop.filter}:${hop.chain}` : `sg:${hop.groups.join('+')}`;
}

function groupByPath(zone: string, segments: Segment[]): ZoneReach[] {
  const groups = new Map<string, { sources: AddressSet; path: PathStep[] }>();
  for (const segment of segments) {
    const key = segment.steps.map(stepId).join(',');
    const group = groups.get(key);
    if (group) group.sources = group.sources.union(segment.sources);
    else groups.set(key, { sources: segment.sources, path: segment.steps });
  }
  return [...groups.values()].map((g) => ({ zone, ranges: g.sources.toCidrs(), path: g.path }));
}

const stepIds = new WeakMap<PathStep, number>();
let nextStepId = 0;

/** Steps are shared objects from the hop cache, so identity is a cheap key for "the same path". */
function stepId(step: PathStep): number {
  let id = stepIds.get(step);
  if (id === undefined) stepIds.set(step, (id = nextStepId++));
  return id;
}

function rangesText(ranges: string[]): string {
  return ranges.length <= 3 ? ranges.join(', ') : `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more ranges`;
}

/** "through rule 3 of edge FORWARD (line 12: …) then the policy ACCEPT of web01-host INPUT". */
export function pathText(path: PathStep[]): string {
  if (path.length === 1 && path[0]!.filter === NO_FILTER) return 'with no filter in between';
  return (
    'through ' +
    path
      .map((step) =>
        step.rule
          ? describeRule(step.filter, step.chain, { number: step.rule.number, text: step.rule.text, locator: step.rule.locator, ...(step.rule.label ? { label: step.rule.label } : {}), match: { unknown: [] }, action: { kind: 'accept' } })
          : `${step.filter} ${step.chain} (${step.policy ?? 'default'})`,
      )
      .join(' then ')
  );
}
