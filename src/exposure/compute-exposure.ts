/**
 * Exposure of affected assets: for each vulnerable port, which zones (and which source ranges in them) can open a
 * connection, through which deciding rule of each filter on the way; then the SSVC System Exposure.
 *
 * Assets that see the same rule decisions share one computation: an asset's signature is its zone, its hops and,
 * per filter, the class of its address among the filter's destination boundaries (see `destinationClass`).
 * Below that, signatures share their pieces: a filter is walked once per service class (`serviceClass`), walks
 * with equal outcomes collapse into one canonical partition, and one zone's reach through a given sequence of
 * partitions is built once (CIDR lists, paths, explanation) and handed to every signature that has it.
 */
import type { PortSpec } from '../bulletins/model';
import type { Asset, AssetMatch } from '../inventory/model';
import { AddressSet } from './address-set';
import { LEVEL_ORDER, type ExposureLevel, type ExposureRules } from './exposure-rules';
import type { AddressFamily, AssetExposure, Filter, PathStep, PortReach, ZoneReach } from './model';
import { INTERNET_ZONE, UNASSIGNED_PRIVATE_ZONE, type NetworkDescription } from './network-model';
import {
  describeRule,
  destinationClass,
  evaluateFilter,
  serviceClass,
  type Decision,
  type Traffic,
} from './reachability';
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
  /** Equal for content-equal partitions, which are then one object (see `canonical`). */
  id: number;
  decisions: HopDecision[];
  lo: bigint[];
  hi: bigint[];
  index: number[];
}

interface Segment {
  sources: AddressSet;
  steps: PathStep[];
}

/** An address's hops from one source zone and the partition each hop makes of the zone's sources. */
interface Route {
  hops: readonly Hop[];
  partitions: HopPartition[];
}

/** A route with its part of the zone cache key; `repeats` when a partition occurs twice in it (see `identityVariants`). */
interface RouteEntry {
  route: Route;
  key: string;
  repeats: boolean;
}

/** The hops met from one side (own zone or other zones) of an address, and the route per in-interface combination. */
interface Side {
  hops: readonly Hop[];
  /** No hop names interfaces, so every zone on this side gets the same route. */
  plain: boolean;
  routes: Map<string, RouteEntry>;
}

interface UsableAddress {
  text: string;
  family: AddressFamily;
  value: bigint;
  zone: string;
}

/** One source zone's part of a port's reach; shared, so never modified once built. */
interface ZoneResult {
  open: ZoneReach[];
  shut: ZoneReach[];
  /** Per `open` entry, its explanation after the port label; built on first use (closed ports never need it). */
  openTexts?: string[];
}

/** The `filter` of the one step of a path that crosses no filter at all. */
export const NO_FILTER = '(none)';
const NOT_LISTENING = new Set(['closed']);
const UNKNOWN_STATES = new Set(['filtered', 'open|filtered', 'closed|filtered']);

/** Holds the caches for one set of inputs; reuse it across assets (and across what-if runs on other inputs, not). */
export class ExposureEngine {
  readonly topology: Topology;
  private readonly hopCache = new Map<string, HopPartition>();
  private readonly partitions = new Map<string, HopPartition>();
  private readonly zoneCaches: Map<string, ZoneResult>[];
  private readonly resultCache = new Map<string, Omit<AssetExposure, 'assetId' | 'assetName'>>();

  constructor(private readonly inputs: ExposureInputs) {
    this.topology = new Topology(inputs.network, inputs.filters);
    this.zoneCaches = this.topology.zones.map(() => new Map());
  }

  assetExposure(asset: Asset): AssetExposure {
    // runs for every asset (100k in big estates): plain loops and one signature string, nothing else
    const usable: UsableAddress[] = [];
    const badAddresses: string[] = [];
    let signature = '';
    for (const text of asset.addresses) {
      const parsed = readAddress(text);
      if (!parsed) {
        badAddresses.push(text);
        continue;
      }
      const zone = this.topology.zoneOf(parsed.family, parsed.value) ?? NO_ZONE;
      usable.push({ text, family: parsed.family, value: parsed.value, zone });
      signature += `${parsed.family}:${zone}:${zone === NO_ZONE ? text : ''}:${this.hopSignature(this.topology.hops(asset, zone, INTERNET_ZONE), parsed.family, parsed.value)}|`;
    }
    const states = this.inputs.ports.map(
      (p) => asset.services.find((s) => s.protocol === p.protocol && s.port === p.port)?.state ?? '',
    );
    // texts in a cached result never name the asset, so every asset with the same signature can share it
    signature += `§${states.join('\u0000')}§${badAddresses.join('\u0000')}`;
    let result = this.resultCache.get(signature);
    if (!result) {
      result = this.compute(asset, usable, badAddresses, states);
      this.resultCache.set(signature, result);
    }
    const { zone, ports, systemExposure, publiclyExposed, reasons, warnings } = result;
    return {
      assetId: asset.id,
      assetName: asset.name,
      zone,
      ports,
      systemExposure,
      publiclyExposed,
      reasons,
      warnings,
    };
  }

  /** The hops and, per filter, the asset address's destination class: equal signatures, equal verdicts. */
  private hopSignature(hops: readonly Hop[], family: AddressFamily, value: bigint): string {
    let out = '';
    for (const hop of hops) {
      out += `${hopKey(hop)}=`;
      if (hop.kind === 'filter') out += this.classText(hop.filter, family, value);
      else for (const name of hop.groups) out += `${this.classText(name, family, value)},`;
      out += '/';
    }
    return out;
  }

  private classText(name: string, family: AddressFamily, value: bigint): string | number {
    const filter = this.topology.filter(name, family);
    return filter ? destinationClass(filter, family, value) : '-';
  }

  private compute(
    asset: Asset,
    usable: UsableAddress[],
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
      warnings.push(
        `${outside.join(', ')} lies in no zone of the network description${this.inputs.network ? '' : ' (none is imported)'}: no zone guard applies, only its own filters`,
      );
    }
    if (zones.includes(UNASSIGNED_PRIVATE_ZONE)) {
      const unzoned = usable.filter((a) => a.zone === UNASSIGNED_PRIVATE_ZONE).map((a) => a.text);
      warnings.push(
        `${unzoned.join(', ')} lies in no zone of the network description${this.inputs.network ? '' : ' (none is imported)'} but in private space: zone ${UNASSIGNED_PRIVATE_ZONE}, not the internet; no zone guard applies`,
      );
    }
    for (const inner of zones) {
      const outer = this.topology.outerZones(inner);
      if (outer.length)
        reasons.push(
          `zone ${inner} lies inside ${outer.join(', inside ')}: the most specific zone wins, as in routing`,
        );
    }
    if (zones.length > 1)
      warnings.push(`addresses in several zones (${zones.join(', ')}): each address is analysed in its own zone`);
    if (!this.inputs.ports.length)
      warnings.push(
        'the bulletin names no ports and rules/service-ports.json knows none for its products: reachability is unknown',
      );

    const ports = this.inputs.ports.map((port, i) =>
      this.portReach(asset, usable, port, states[i]!, reasons, warnings),
    );
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
    if (unknown)
      return { level: rules.unknown, why: `reachability unknown (rules/exposure.json "unknown": ${rules.unknown})` };
    if (!reaching.length) return { level: 'small', why: 'no zone can open a connection to a vulnerable port' };
    let best: { level: ExposureLevel; zone: string; capped: boolean } | undefined;
    for (const zone of new Set(reaching)) {
      const { level, capped } = zoneLevel(rules, zone, ownZone);
      if (!best || LEVEL_ORDER[level] > LEVEL_ORDER[best.level]) best = { level, zone, capped };
    }
    const zones = [...new Set(reaching)].join(', ');
    const own = best!.zone === ownZone && ownZone !== UNASSIGNED_PRIVATE_ZONE;
    return {
      level: best!.level,
      why: `reachable from ${zones}; ${best!.zone}${own ? ' (its own zone)' : ''} → ${best!.level} ${best!.capped ? '(unzoned private space is never open)' : 'in rules/exposure.json'}`,
    };
  }

  private portReach(
    asset: Asset,
    usable: UsableAddress[],
    port: PortSpec,
    state: string,
    reasons: string[],
    warnings: string[],
  ): PortReach {
    const label = `${port.protocol}/${port.port}`;
    const reachableFrom: ZoneReach[] = [];
    const blockedFrom: ZoneReach[] = [];
    const texts: string[] = [];
    // per address, each hop's walk key without the interfaces: hop objects repeat across zones
    const walkKeys = usable.map(() => new Map<Hop, string>());
    // per address, the two hop lists a zone can meet (from the asset's own zone, from any other) and their routes
    const sides = usable.map((): (Side | undefined)[] => [undefined, undefined]);
    this.topology.zones.forEach((zone, z) => {
      const entries = usable.map((address, a) => {
        if (!zone.addresses.get(address.family).length) return undefined;
        const which = zone.name === address.zone ? 0 : 1;
        let side = sides[a]![which];
        if (!side) {
          const hops = this.topology.hops(asset, address.zone, zone.name);
          side = sides[a]![which] = {
            hops,
            plain: hops.every((h) => h.kind !== 'filter' || !Object.keys(h.interfaces).length),
            routes: new Map(),
          };
        }
        const inKey = side.plain
          ? ''
          : side.hops.map((h) => (h.kind === 'filter' ? (h.interfaces[zone.name] ?? '') : '')).join('\u0000');
        let entry = side.routes.get(inKey);
        if (!entry) side.routes.set(inKey, (entry = this.route(side.hops, address, port, zone.name, walkKeys[a]!)));
        return entry;
      });
      let key: string;
      let variants: number[][] | undefined;
      const only = entries.length === 1 ? entries[0] : undefined;
      if (only && !only.repeats) key = only.key;
      else {
        variants = this.identityVariants(entries, usable, port, zone.name);
        key = entries
          .map((entry, a) => {
            if (!entry || !variants || !entry.route.partitions.length) return entry?.key ?? '';
            return `|${usable[a]!.family}:${entry.route.partitions.map((p, h) => (variants![a]![h] ? `${p.id}v${variants![a]![h]}` : p.id)).join('.')}`;
          })
          .join('');
      }
      const cache = this.zoneCaches[z]!;
      let result = cache.get(key);
      if (!result) {
        const routes = entries.map((entry) => entry?.route);
        cache.set(key, (result = zoneReach(zone, usable, variants ? withVariants(routes, variants) : routes)));
      }
      if (result.open.length) reachableFrom.push(...result.open);
      if (result.shut.length) blockedFrom.push(...result.shut);
      if (result.open.length && !NOT_LISTENING.has(state)) texts.push(...openTexts(result));
    });
    for (const z of reachableFrom) for (const step of z.path) warnings.push(...step.assumptions);
    for (const z of blockedFrom) for (const step of z.path) warnings.push(...step.assumptions);

    if (NOT_LISTENING.has(state)) {
      reasons.push(
        `${label} is closed in the scan: nothing listens there, whatever the rules allow${reachableFrom.length ? ` (they would let ${[...new Set(reachableFrom.map((z) => z.zone))].join(', ')} through)` : ''}`,
      );
      return { protocol: port.protocol, port: port.port, scanState: state, reachableFrom: [], blockedFrom };
    }
    if (UNKNOWN_STATES.has(state))
      warnings.push(
        `${label} was seen "${state}" by the scan: a filter answered or nothing did; that is unknown from the scanner's vantage point, not safe`,
      );
    if (!reachableFrom.length) reasons.push(`${label} is reachable from no zone`);
    for (const text of texts) reasons.push(`${label} ${text}`);
    return {
      protocol: port.protocol,
      port: port.port,
      ...(state ? { scanState: state } : {}),
      reachableFrom,
      blockedFrom,
    };
  }

  /**
   * Path grouping goes by step identity, and steps used to be one object per walk of (hop, destination class,
   * service, interfaces); canonical partitions are coarser. Where two hops of one zone's routes share a canonical
   * partition but not such a walk key, the later ones get a variant number and, when built, their own copies of
   * the steps, so ranges group exactly as before. Undefined when no partition repeats (nearly always).
   */
  private identityVariants(
    entries: (RouteEntry | undefined)[],
    usable: UsableAddress[],
    port: PortSpec,
    sourceZone: string,
  ): number[][] | undefined {
    const routes = entries.map((entry) => entry?.route);
    const slots: { a: number; h: number; partition: HopPartition }[] = [];
    let repeated = false;
    routes.forEach((route, a) =>
      route?.partitions.forEach((partition, h) => {
        repeated ||= slots.some((s) => s.partition === partition);
        slots.push({ a, h, partition });
      }),
    );
    if (!repeated) return undefined;
    const variants = routes.map((route) => (route ? route.partitions.map(() => 0) : []));
    const walks = new Map<HopPartition, string[]>();
    for (const { a, h, partition } of slots) {
      const address = usable[a]!;
      const hop = routes[a]!.hops[h]!;
      const names = hop.kind === 'filter' ? [hop.filter] : hop.groups;
      const classes = names.map((n) => this.classText(n, address.family, address.value));
      const inInterface = hop.kind === 'filter' ? hop.interfaces[sourceZone] : undefined;
      const outInterface = hop.kind === 'filter' ? hop.interfaces[address.zone] : undefined;
      const walk = `${hopKey(hop)}|${address.family}|${classes.join(',')}|${port.protocol}/${port.port}|${inInterface ?? ''}|${outInterface ?? ''}`;
      const seen = walks.get(partition) ?? [];
      if (!seen.includes(walk)) seen.push(walk);
      walks.set(partition, seen);
      variants[a]![h] = seen.indexOf(walk);
    }
    return variants;
  }

  private route(
    hops: readonly Hop[],
    address: UsableAddress,
    port: PortSpec,
    sourceZone: string,
    walkKeys: Map<Hop, string>,
  ): RouteEntry {
    const partitions = hops.map((hop) => this.hopDecisions(hop, address, port, sourceZone, walkKeys));
    const key = partitions.length
      ? `|${address.family}:${partitions.map((p) => p.id).join('.')}`
      : `|${address.family}:open:${address.zone.length}:${address.zone}`;
    return { route: { hops, partitions }, key, repeats: partitions.some((p, i) => partitions.indexOf(p) !== i) };
  }

  /**
   * One hop's verdicts for every source address of the family, cached per service class and the interfaces the
   * traffic crosses: zones differ only in which of these sources they hold, so they share the walk.
   */
  private hopDecisions(
    hop: Hop,
    address: UsableAddress,
    port: PortSpec,
    sourceZone: string,
    baseKeys: Map<Hop, string>,
  ): HopPartition {
    const traffic: Traffic = {
      family: address.family,
      destination: address.value,
      protocol: port.protocol,
      port: port.port,
    };
    let base = baseKeys.get(hop);
    if (base === undefined) {
      const names = hop.kind === 'filter' ? [hop.filter] : hop.groups;
      const classes = names.map((n) => {
        const filter = this.topology.filter(n, traffic.family);
        return filter ? serviceClass(filter, traffic) : '-';
      });
      baseKeys.set(
        hop,
        (base = `${hopKey(hop)}|${traffic.family}|${classes.join(',')}|${traffic.protocol}/${traffic.port}`),
      );
    }
    const inInterface = hop.kind === 'filter' ? hop.interfaces[sourceZone] : undefined;
    const outInterface = hop.kind === 'filter' ? hop.interfaces[address.zone] : undefined;
    const key = `${base}|${inInterface ?? ''}|${outInterface ?? ''}`;
    let partition = this.hopCache.get(key);
    if (!partition) {
      const located: Traffic = {
        ...traffic,
        ...(inInterface ? { inInterface } : {}),
        ...(outInterface ? { outInterface } : {}),
      };
      const sources = AddressSet.allOf(traffic.family);
      const decisions =
        hop.kind === 'filter' ? this.filterHop(hop, located, sources) : this.groupsHop(hop.groups, traffic, sources);
      partition = this.canonical(toPartition(decisions, traffic.family), traffic.family);
      this.hopCache.set(key, partition);
    }
    return partition;
  }

  /**
   * The first partition seen with the same decisions (steps, assumption scopes) over the same intervals. Different
   * destination classes, ports and filters' versions often walk to the same outcome; one object lets the zone
   * cache recognise that. Decisions map one to one, so grouping by step identity gives the same groups.
   */
  private canonical(partition: HopPartition, family: AddressFamily): HopPartition {
    let key = `${family}#${partition.lo.join(',')}#${partition.hi.join(',')}#${partition.index.join(',')}`;
    for (const d of partition.decisions)
      key += `#${JSON.stringify(d.step)}${d.scopes.map((s) => `;${s.ipv4.join(',')}/${s.ipv6.join(',')}`).join('')}`;
    const known = this.partitions.get(key);
    if (known) return known;
    partition.id = this.partitions.size;
    this.partitions.set(key, partition);
    return partition;
  }

  private filterHop(hop: Extract<Hop, { kind: 'filter' }>, traffic: Traffic, sources: AddressSet): HopDecision[] {
    const filter = this.topology.filter(hop.filter, traffic.family);
    if (!filter) {
      const note = `filter "${hop.filter}" is named by the network description but not imported: ${hop.filter} ${hop.chain} is assumed open`;
      return [
        {
          sources,
          step: {
            filter: hop.filter,
            chain: hop.chain,
            verdict: 'accept',
            policy: 'not imported',
            assumptions: [note],
          },
          scopes: [sources],
          variants: new Map(),
        },
      ];
    }
    return evaluateFilter(filter, hop.chain, traffic, sources).decisions.map((d) => ({
      sources: d.sources,
      step: toStep(filter, d),
      scopes: d.assumptionScopes,
      variants: new Map(),
    }));
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
        out.push({
          sources: undecided,
          step: { filter: name, chain: 'inbound', verdict: 'accept', policy: 'not imported', assumptions: [note] },
          scopes: [undecided],
          variants: new Map(),
        });
        return out;
      }
      const verdict = evaluateFilter(filter, filter.entryChains.input ?? 'inbound', traffic, undecided);
      for (const d of verdict.decisions) {
        (d.verdict === 'accept' ? out : denials).push({
          sources: d.sources,
          step: toStep(filter, d),
          scopes: d.assumptionScopes,
          variants: new Map(),
        });
      }
      undecided = undecided.subtract(verdict.accepted);
    }
    // what no group allowed: show the first group's denial for it, so each blocked range names one step
    for (const denial of denials) {
      const part = denial.sources.intersect(undecided);
      if (part.isEmpty()) continue;
      out.push({
        sources: part,
        step: { ...denial.step, policy: `${denial.step.policy ?? 'no rule'} in every group (${groups.join(', ')})` },
        scopes: denial.scopes,
        variants: new Map(),
      });
      undecided = undecided.subtract(part);
    }
    return out;
  }
}

/**
 * A reaching zone's level: the own-zone level for neighbours (unzoned private space is no neighbourhood), else the
 * table's; unzoned private space is at most controlled, whatever the table says, for it is never the internet.
 */
function zoneLevel(rules: ExposureRules, zone: string, ownZone: string): { level: ExposureLevel; capped: boolean } {
  if (zone === ownZone && zone !== UNASSIGNED_PRIVATE_ZONE) return { level: rules.ownZone, capped: false };
  const level = rules.zones[zone] ?? rules.otherZone;
  if (zone === UNASSIGNED_PRIVATE_ZONE && LEVEL_ORDER[level] > LEVEL_ORDER.controlled)
    return { level: 'controlled', capped: true };
  return { level, capped: false };
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
    ...(rule
      ? {
          rule: {
            number: rule.number,
            text: rule.text,
            locator: rule.locator,
            document: filter.source.document,
            ...(rule.label ? { label: rule.label } : {}),
          },
        }
      : {}),
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
  return {
    id: -1,
    decisions,
    lo: entries.map((e) => e[0]),
    hi: entries.map((e) => e[1]),
    index: entries.map((e) => e[2]),
  };
}

/** Routes with each variant partition replaced by a copy with its own step objects, one copy per variant. */
function withVariants(routes: (Route | undefined)[], variants: number[][]): (Route | undefined)[] {
  const copies = new Map<string, HopPartition>();
  return routes.map((route, a) => {
    if (!route) return undefined;
    const partitions = route.partitions.map((partition, h) => {
      const variant = variants[a]![h]!;
      if (!variant) return partition;
      const key = `${partition.id}v${variant}`;
      let copy = copies.get(key);
      if (!copy)
        copies.set(
          key,
          (copy = {
            ...partition,
            decisions: partition.decisions.map((d) => ({ ...d, step: { ...d.step }, variants: new Map() })),
          }),
        );
      return copy;
    });
    return { hops: route.hops, partitions };
  });
}

/** What `zone`'s sources meet through each address's hop partitions (none: no filter; no route: no such sources). */
function zoneReach(
  zone: { name: string; addresses: AddressSet },
  usable: UsableAddress[],
  routes: (Route | undefined)[],
): ZoneResult {
  const open: Segment[] = [];
  const shut: Segment[] = [];
  usable.forEach((address, a) => {
    const partitions = routes[a]?.partitions;
    if (!partitions) return;
    const sources = zone.addresses.only(address.family);
    let segments: Segment[] = [{ sources, steps: [] }];
    if (!partitions.length) {
      const note = `no filter stands between zone ${zone.name} and the asset's ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address in ${address.zone}: open`;
      segments = [
        {
          sources,
          steps: [
            { filter: NO_FILTER, chain: '-', verdict: 'accept', policy: 'no filter on the path', assumptions: [note] },
          ],
        },
      ];
    }
    for (const partition of partitions) {
      const next: Segment[] = [];
      for (const segment of segments) {
        for (const [i, part] of split(segment.sources, address.family, partition)) {
          const decision = partition.decisions[i]!;
          (decision.step.verdict === 'accept' ? next : shut).push({
            sources: part,
            steps: [...segment.steps, stepFor(decision, part)],
          });
        }
      }
      segments = next;
    }
    open.push(...segments);
  });
  return { open: groupByPath(zone.name, open), shut: groupByPath(zone.name, shut) };
}

function openTexts(result: ZoneResult): string[] {
  return (result.openTexts ??= result.open.map(
    (z) =>
      `reachable from ${z.zone === INTERNET_ZONE ? 'the internet' : z.zone} (${rangesText(z.ranges)}) ${pathText(z.path)}`,
  ));
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

const hopKeys = new WeakMap<Hop, string>();

/** Hops are shared objects (see `Topology.hops`), so their keys are built once, not per asset. */
function hopKey(hop: Hop): string {
  let key = hopKeys.get(hop);
  if (key === undefined)
    hopKeys.set(hop, (key = hop.kind === 'filter' ? `${hop.filter}:${hop.chain}` : `sg:${hop.groups.join('+')}`));
  return key;
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
  return ranges.length <= 3
    ? ranges.join(', ')
    : `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more ranges`;
}

/** "through rule 3 of edge FORWARD (line 12: …) then the policy ACCEPT of web01-host INPUT". */
export function pathText(path: PathStep[]): string {
  if (path.length === 1 && path[0]!.filter === NO_FILTER) return 'with no filter in between';
  return (
    'through ' +
    path
      .map((step) =>
        step.rule
          ? describeRule(step.filter, step.chain, {
              number: step.rule.number,
              text: step.rule.text,
              locator: step.rule.locator,
              ...(step.rule.label ? { label: step.rule.label } : {}),
              match: { unknown: [] },
              action: { kind: 'accept' },
            })
          : `${step.filter} ${step.chain} (${step.policy ?? 'default'})`,
      )
      .join(' then ')
  );
}
