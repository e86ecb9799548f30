/**
 * The memoising wrapper of `exposureFor` (./exposure-for.ts, the definition), for estates of 100,000 assets. Every
 * cache is keyed by value, so it can only return what the definition would:
 * - an asset's signature (the zone of each address, its hops and, per filter, the class of the address among the
 *   filter's destination boundaries; the scan states) keys its whole result: equal signatures, equal verdicts;
 * - a hop's verdict over every source of the family is computed once per walk key (hop, service class, interfaces)
 *   and interned by its content (the decisions, their steps and assumption scopes over the same intervals);
 * - one zone's reach through a sequence of such verdicts is keyed by that sequence (the canonical path key) and
 *   built once, CIDR lists and explanation included, for every asset that has it.
 */
import type { PortSpec } from '../bulletins/model';
import type { Asset, AssetMatch } from '../inventory/model';
import { AddressSet } from './address-set';
import { assetPorts } from './assumed-ports';
import {
  exposureFrom,
  groupByPath,
  hopParts,
  hopTraffic,
  noFilterStep,
  scanStates,
  stepFor,
  type ExposureInputs,
  type ExposureResult,
  type ReachOfPort,
  type ScopedPart,
  type Segment,
  type SourceZone,
  type UsableAddress,
  type ZoneResult,
} from './exposure-for';
import type { AddressFamily, AssetExposure, PathStep } from './model';
import { INTERNET_ZONE, UNASSIGNED_PRIVATE_ZONE } from './network-model';
import { destinationClass, serviceClass } from './reachability';
import { NO_ZONE, readAddress, Topology, type Hop } from './topology';

export type { ExposureInputs } from './exposure-for';

/** Exposure of every affected asset of a bulletin, in the order given. */
export function computeExposure(matches: readonly AssetMatch[], inputs: ExposureInputs): AssetExposure[] {
  const engine = new ExposureEngine(inputs);
  return matches.filter((m) => m.status === 'affected').map((m) => engine.assetExposure(m.asset));
}

/** A hop's verdict over every source address of the family, as one sorted list of intervals for sweeping. */
interface HopPartition {
  /** Equal for content-equal partitions (see `canonical`). */
  id: number;
  decisions: { step: PathStep; scopes: AddressSet[] }[];
  lo: bigint[];
  hi: bigint[];
  index: number[];
}

/** An address's hops from one source zone and the partition each hop makes of the zone's sources. */
interface Route {
  hops: readonly Hop[];
  partitions: HopPartition[];
  /** The canonical path key of this address's part of a zone's reach. */
  key: string;
}

/** The hops met from one side (own zone or other zones) of an address, and the route per in-interface combination. */
interface Side {
  hops: readonly Hop[];
  /** No hop names interfaces, so every zone on this side gets the same route. */
  plain: boolean;
  routes: Map<string, Route>;
}

/**
 * A hop as the walk reads it, by value: the filter and its chain (the interfaces reach the walk through the traffic,
 * see `hopTraffic`, and are keyed there), or the set of security groups. Every name is length-prefixed, so two
 * different hops never share a key, whatever characters their names hold, and the key can be followed by anything.
 */
function hopKey(hop: Hop): string {
  if (hop.kind === 'filter') return `f${hop.filter.length}:${hop.filter}${hop.chain.length}:${hop.chain}`;
  let key = `g${hop.groups.length}`;
  for (const group of hop.groups) key += `:${group.length}:${group}`;
  return key;
}

/** Holds the caches for one set of inputs; reuse it across assets (not across inputs). */
export class ExposureEngine {
  readonly topology: Topology;
  private readonly hopCache = new Map<string, HopPartition>();
  private readonly partitions = new Map<string, HopPartition>();
  private readonly zoneCaches: Map<string, ZoneResult>[];
  private readonly resultCache = new Map<string, ExposureResult>();

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
      // an address outside every described zone is named in the warnings, so it is part of the signature
      const named = zone === NO_ZONE || zone === UNASSIGNED_PRIVATE_ZONE ? text : '';
      signature += `${parsed.family}:${zone}:${named}:${this.hopSignature(this.topology.hops(asset, zone, INTERNET_ZONE), parsed.family, parsed.value)}|`;
    }
    const assessed = assetPorts(asset, this.inputs);
    const states = scanStates(asset, assessed.ports);
    // texts in a cached result never name the asset, so every asset with the same signature can share it
    signature += `§${assessed.key}§${states.join('\u0000')}§${badAddresses.join('\u0000')}`;
    let result = this.resultCache.get(signature);
    if (!result) {
      const reach = this.reachOfPort(asset, usable);
      result = exposureFrom(asset, usable, badAddresses, states, this.inputs, this.topology, reach, assessed);
      this.resultCache.set(signature, result);
    }
    return { assetId: asset.id, assetName: asset.name, ...result };
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

  /** `walkFromZone` of the definition, with each zone's reach looked up by the canonical key of its routes. */
  private reachOfPort(asset: Asset, usable: UsableAddress[]): ReachOfPort {
    return (port) => {
      // per address, each hop's walk key without the interfaces, by the hop's key: hops repeat across zones
      const walkKeys = usable.map(() => new Map<string, string>());
      // per address, the two hop lists a zone can meet (from the asset's own zone, from any other) and their routes
      const sides = usable.map((): (Side | undefined)[] => [undefined, undefined]);
      return (zone, z) => {
        let key = '';
        const routes = usable.map((address, a) => {
          if (!zone.addresses.get(address.family).length) {
            key += '~';
            return undefined;
          }
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
          let route = side.routes.get(inKey);
          if (!route) side.routes.set(inKey, (route = this.route(side.hops, address, port, zone.name, walkKeys[a]!)));
          key += route.key;
          return route;
        });
        const cache = this.zoneCaches[z]!;
        let result = cache.get(key);
        if (!result) cache.set(key, (result = zoneReach(zone, usable, routes)));
        return result;
      };
    };
  }

  private route(
    hops: readonly Hop[],
    address: UsableAddress,
    port: PortSpec,
    sourceZone: string,
    walkKeys: Map<string, string>,
  ): Route {
    const partitions = hops.map((hop) => this.hopPartition(hop, address, port, sourceZone, walkKeys));
    const key = partitions.length
      ? `|${address.family}:${partitions.map((p) => p.id).join('.')}`
      : `|${address.family}:open:${address.zone.length}:${address.zone}`;
    return { hops, partitions, key };
  }

  /**
   * One hop's verdicts for every source address of the family, cached per service class and the interfaces the
   * traffic crosses: zones differ only in which of these sources they hold, so they share the walk.
   */
  private hopPartition(
    hop: Hop,
    address: UsableAddress,
    port: PortSpec,
    sourceZone: string,
    baseKeys: Map<string, string>,
  ): HopPartition {
    const traffic = hopTraffic(hop, address, port, sourceZone);
    const hopId = hopKey(hop);
    let base = baseKeys.get(hopId);
    if (base === undefined) {
      const names = hop.kind === 'filter' ? [hop.filter] : hop.groups;
      const classes = names.map((n) => {
        const filter = this.topology.filter(n, traffic.family);
        return filter ? serviceClass(filter, traffic) : '-';
      });
      baseKeys.set(
        hopId,
        (base = `${hopId}|${traffic.family}|${classes.join(',')}|${traffic.protocol}/${traffic.port}`),
      );
    }
    const key = `${base}|${traffic.inInterface ?? ''}|${traffic.outInterface ?? ''}`;
    let partition = this.hopCache.get(key);
    if (!partition) {
      partition = this.canonical(
        toPartition(hopParts(this.topology, hop, traffic, AddressSet.allOf(traffic.family)), traffic.family),
        traffic.family,
      );
      this.hopCache.set(key, partition);
    }
    return partition;
  }

  /**
   * The partition with the same decisions (steps, assumption scopes) over the same intervals, interned: different
   * destination classes, ports and filters' versions often walk to the same outcome, and one id lets the zone cache
   * recognise that.
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
}

function toPartition(parts: ScopedPart[], family: AddressFamily): HopPartition {
  const entries: [bigint, bigint, number][] = [];
  parts.forEach((d, i) => {
    const intervals = d.sources.get(family);
    for (let k = 0; k < intervals.length; k += 2) entries.push([intervals[k]!, intervals[k + 1]!, i]);
  });
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    id: -1,
    decisions: parts.map((p) => ({ step: p.step, scopes: p.scopes })),
    lo: entries.map((e) => e[0]),
    hi: entries.map((e) => e[1]),
    index: entries.map((e) => e[2]),
  };
}

/** `walkFromZone` of the definition over precomputed partitions: each segment is split in one sweep per hop. */
function zoneReach(zone: SourceZone, usable: UsableAddress[], routes: (Route | undefined)[]): ZoneResult {
  const open: Segment[] = [];
  const shut: Segment[] = [];
  usable.forEach((address, a) => {
    const route = routes[a];
    if (!route) return;
    const sources = zone.addresses.only(address.family);
    if (!route.partitions.length) {
      open.push({ sources, steps: [noFilterStep(zone.name, address)] });
      return;
    }
    let segments: Segment[] = [{ sources, steps: [] }];
    for (const partition of route.partitions) {
      const next: Segment[] = [];
      for (const segment of segments) {
        for (const [i, part] of split(segment.sources, address.family, partition)) {
          const decision = partition.decisions[i]!;
          (decision.step.verdict === 'accept' ? next : shut).push({
            sources: part,
            steps: [...segment.steps, stepFor(decision.step, decision.scopes, part)],
          });
        }
      }
      segments = next;
    }
    open.push(...segments);
  });
  return { open: groupByPath(zone.name, open), shut: groupByPath(zone.name, shut) };
}

/** The parts of `sources` each decision of the partition takes, in address order, in one sweep over both lists. */
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
