/**
 * Exposure of one asset, as the definition reads: for each vulnerable port and each source zone, the zone's
 * addresses travel to each of the asset's addresses through every hop between them (the guards of the asset's zone
 * for traffic from another zone, then its host filters and security groups). Each hop splits them by the rule or
 * policy that decides them; what every hop accepts reaches the port, with the path of deciding steps. Then the SSVC
 * System Exposure of the zones that reach it. No caches here: `compute-exposure.ts` holds the memoising wrapper,
 * and a property test holds the two to the same answers.
 */
import type { PortSpec } from '../bulletins/model';
import type { Asset } from '../inventory/model';
import { AddressSet } from './address-set';
import { assetPorts, portLabel, type AssessedPort, type AssetPorts } from './assumed-ports';
import { LEVEL_ORDER, type ExposureLevel, type ExposureRules } from './exposure-rules';
import type { AddressFamily, AssetExposure, Filter, PathStep, PortReach, ZoneReach } from './model';
import { INTERNET_ZONE, UNASSIGNED_PRIVATE_ZONE, type NetworkDescription } from './network-model';
import { describeRule, evaluateFilter, type Decision, type Traffic } from './reachability';
import { NO_ZONE, readAddress, Topology, type Hop } from './topology';

export interface ExposureInputs {
  filters: readonly Filter[];
  network?: NetworkDescription;
  ports: readonly PortSpec[];
  rules: ExposureRules;
  /** No source names the vulnerable ports: each host is assessed over its own (assumed-ports.ts). */
  portsUnknown?: boolean;
  /** The ports are the product's usual ones, not the vulnerable service's: said in each host's explanation. */
  portsNote?: string;
}

export interface UsableAddress {
  text: string;
  family: AddressFamily;
  value: bigint;
  zone: string;
}

export interface SourceZone {
  name: string;
  addresses: AddressSet;
}

/** One source zone's part of a port's reach. */
export interface ZoneResult {
  open: ZoneReach[];
  shut: ZoneReach[];
  /** Per `open` entry, its explanation after the port label; built on first use (closed ports never need it). */
  openTexts?: string[];
}

/** Sources that met the same steps so far. */
export interface Segment {
  sources: AddressSet;
  steps: PathStep[];
}

/** For one port, the reach of each source zone (the plain walk, or a memoised one). */
export type ReachOfPort = (port: PortSpec) => (zone: SourceZone, zoneIndex: number) => ZoneResult;

export type ExposureResult = Omit<AssetExposure, 'assetId' | 'assetName'>;

/** The `filter` of the one step of a path that crosses no filter at all. */
export const NO_FILTER_STEP_NAME = '(none)';
const NOT_LISTENING = new Set(['closed']);
const UNKNOWN_STATES = new Set(['filtered', 'open|filtered', 'closed|filtered']);

/** The definition. `topology` may be passed in to share its lookups; it holds no results. */
export function exposureFor(
  asset: Asset,
  inputs: ExposureInputs,
  topology: Topology = new Topology(inputs.network, inputs.filters),
): AssetExposure {
  const { usable, badAddresses } = readAddresses(asset, topology);
  const reach: ReachOfPort = (port) => (zone) => walkFromZone(topology, asset, zone, usable, port);
  const assessed = assetPorts(asset, inputs);
  const states = scanStates(asset, assessed.ports);
  const result = exposureFrom(asset, usable, badAddresses, states, inputs, topology, reach, assessed);
  return { assetId: asset.id, assetName: asset.name, ...result };
}

/** The asset's addresses in the zone holding each, and the texts that are no address. */
function readAddresses(asset: Asset, topology: Topology): { usable: UsableAddress[]; badAddresses: string[] } {
  const usable: UsableAddress[] = [];
  const badAddresses: string[] = [];
  for (const text of asset.addresses) {
    const parsed = readAddress(text);
    if (!parsed) badAddresses.push(text);
    else usable.push({ text, ...parsed, zone: topology.zoneOf(parsed.family, parsed.value) ?? NO_ZONE });
  }
  return { usable, badAddresses };
}

/** Per port, what a scan saw there ('' when no scan says, and for a range: one port's state is not the range's). */
export function scanStates(asset: Asset, ports: readonly AssessedPort[]): string[] {
  return ports.map((p) =>
    p.toPort !== undefined
      ? ''
      : (asset.services.find((s) => s.protocol === p.protocol && s.port === p.port)?.state ?? ''),
  );
}

/**
 * Everything but the walk: the warnings about the addresses, each port's reach from every zone (through `reach`),
 * the level and the reasons. The texts never name the asset, so a memo may share a result between assets.
 */
export function exposureFrom(
  asset: Asset,
  usable: UsableAddress[],
  badAddresses: string[],
  states: string[],
  inputs: ExposureInputs,
  topology: Topology,
  reach: ReachOfPort,
  assessed: AssetPorts,
): ExposureResult {
  const warnings: string[] = [];
  const reasons: string[] = [];
  const zone = usable.find((a) => a.zone !== NO_ZONE)?.zone ?? NO_ZONE;
  for (const text of badAddresses) warnings.push(`"${text}" is not an IP address; it was left out`);
  if (!usable.length) warnings.push('no IP address in the inventory: reachability unknown');
  const zones = [...new Set(usable.map((a) => a.zone))];
  const imported = inputs.network ? '' : ' (none is imported)';
  if (zones.includes(NO_ZONE)) {
    const outside = usable.filter((a) => a.zone === NO_ZONE).map((a) => a.text);
    warnings.push(
      `${outside.join(', ')} lies in no zone of the network description${imported}: no zone guard applies, only its own filters`,
    );
  }
  if (zones.includes(UNASSIGNED_PRIVATE_ZONE)) {
    const unzoned = usable.filter((a) => a.zone === UNASSIGNED_PRIVATE_ZONE).map((a) => a.text);
    warnings.push(
      `${unzoned.join(', ')} lies in no zone of the network description${imported} but in private space: zone ${UNASSIGNED_PRIVATE_ZONE}, not the internet; no zone guard applies`,
    );
  }
  for (const inner of zones) {
    const outer = topology.outerZones(inner);
    if (outer.length)
      reasons.push(`zone ${inner} lies inside ${outer.join(', inside ')}: the most specific zone wins, as in routing`);
  }
  if (zones.length > 1)
    warnings.push(`addresses in several zones (${zones.join(', ')}): each address is analysed in its own zone`);
  if (!assessed.ports.length)
    warnings.push(
      'the bulletin names no ports and rules/service-ports.json knows none for its products: reachability is unknown',
    );

  // any port of the host: only the ranges some zone reaches are worth listing, else hundreds of closed ones
  const anyPort = assessed.ports.some((p) => p.toPort !== undefined);
  const portReasons: string[] = [];
  const assessedReach = assessed.ports.map((port, i) =>
    portReach(topology.zones, reach(port), port, states[i]!, anyPort ? portReasons : reasons, warnings),
  );
  const ports = anyPort ? assessedReach.filter((p) => p.reachableFrom.length) : assessedReach;
  if (anyPort)
    reasons.push(
      ...(ports.length
        ? portReasons.filter((r) => !/ is reachable from no zone$/.test(r))
        : ['no port of the host is reachable from any zone']),
    );
  const reaching = ports.flatMap((p) => p.reachableFrom.map((z) => z.zone));
  const unknown = !usable.length || !assessed.ports.length;
  const { level, why } = exposureLevel(inputs.rules, reaching, zone, unknown);
  if (assessed.assumed) reasons.unshift(assessed.assumed);
  reasons.unshift(`System Exposure ${level}: ${why}`);
  return {
    zone,
    ports,
    systemExposure: level,
    publiclyExposed: reaching.includes(INTERNET_ZONE),
    reasons,
    warnings: [...new Set(warnings)],
    ...(assessed.assumed ? { portsAssumed: assessed.assumed } : {}),
  };
}

function portReach(
  zones: readonly SourceZone[],
  reachOfZone: (zone: SourceZone, zoneIndex: number) => ZoneResult,
  port: AssessedPort,
  state: string,
  reasons: string[],
  warnings: string[],
): PortReach {
  const label = portLabel(port);
  const reachableFrom: ZoneReach[] = [];
  const blockedFrom: ZoneReach[] = [];
  const texts: string[] = [];
  zones.forEach((zone, z) => {
    const result = reachOfZone(zone, z);
    reachableFrom.push(...result.open);
    blockedFrom.push(...result.shut);
    if (result.open.length && !NOT_LISTENING.has(state)) texts.push(...openTexts(result));
  });
  for (const z of [...reachableFrom, ...blockedFrom]) for (const step of z.path) warnings.push(...step.assumptions);

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
    ...(port.toPort !== undefined ? { toPort: port.toPort } : {}),
    ...(state ? { scanState: state } : {}),
    reachableFrom,
    blockedFrom,
  };
}

/**
 * The zone's sources of each address's family, walked through the hops between the zone and that address: at each
 * hop every part of them meets the step that decides it, parts in address order. Accepted at every hop: open.
 */
function walkFromZone(
  topology: Topology,
  asset: Asset,
  zone: SourceZone,
  usable: UsableAddress[],
  port: PortSpec,
): ZoneResult {
  const open: Segment[] = [];
  const shut: Segment[] = [];
  for (const address of usable) {
    const sources = zone.addresses.only(address.family);
    if (sources.isEmpty()) continue;
    const hops = topology.hops(asset, address.zone, zone.name);
    if (!hops.length) {
      open.push({ sources, steps: [noFilterStep(zone.name, address)] });
      continue;
    }
    let segments: Segment[] = [{ sources, steps: [] }];
    for (const hop of hops) {
      const traffic = hopTraffic(hop, address, port, zone.name);
      const next: Segment[] = [];
      for (const segment of segments) {
        for (const part of inAddressOrder(hopParts(topology, hop, traffic, segment.sources), address.family))
          (part.step.verdict === 'accept' ? next : shut).push({
            sources: part.sources,
            steps: [...segment.steps, stepFor(part.step, part.scopes, part.sources)],
          });
      }
      segments = next;
    }
    open.push(...segments);
  }
  return { open: groupByPath(zone.name, open), shut: groupByPath(zone.name, shut) };
}

/** The traffic a hop sees: the asset's address and port, entering from the source zone's side. */
export function hopTraffic(hop: Hop, address: UsableAddress, port: PortSpec, sourceZone: string): Traffic {
  const inInterface = hop.kind === 'filter' ? hop.interfaces[sourceZone] : undefined;
  const outInterface = hop.kind === 'filter' ? hop.interfaces[address.zone] : undefined;
  return {
    family: address.family,
    destination: address.value,
    protocol: port.protocol,
    port: port.port,
    ...(inInterface ? { inInterface } : {}),
    ...(outInterface ? { outInterface } : {}),
  };
}

/** One hop's verdict on `sources`: the part each step decides, with the sources each of its assumptions concerns. */
export function hopParts(topology: Topology, hop: Hop, traffic: Traffic, sources: AddressSet): ScopedPart[] {
  return hop.kind === 'filter'
    ? filterHop(topology, hop, traffic, sources)
    : groupsHop(topology, hop.groups, traffic, sources);
}

export interface ScopedPart {
  sources: AddressSet;
  step: PathStep;
  /** Parallel to step.assumptions: the sources each assumption concerns. */
  scopes: AddressSet[];
}

function filterHop(
  topology: Topology,
  hop: Extract<Hop, { kind: 'filter' }>,
  traffic: Traffic,
  sources: AddressSet,
): ScopedPart[] {
  const filter = topology.filter(hop.filter, traffic.family);
  if (!filter) {
    const note = `filter "${hop.filter}" is named by the network description but not imported: ${hop.filter} ${hop.chain} is assumed open`;
    const step: PathStep = {
      filter: hop.filter,
      chain: hop.chain,
      verdict: 'accept',
      policy: 'not imported',
      assumptions: [note],
    };
    return [{ sources, step, scopes: [sources] }];
  }
  return evaluateFilter(filter, hop.chain, traffic, sources).decisions.map((d) => ({
    sources: d.sources,
    step: toStep(filter, d),
    scopes: d.assumptionScopes,
  }));
}

/** AWS security groups are allow-only and unordered: a source passes when any group on the instance allows it. */
function groupsHop(topology: Topology, groups: string[], traffic: Traffic, sources: AddressSet): ScopedPart[] {
  const out: ScopedPart[] = [];
  let undecided = sources;
  const denials: ScopedPart[] = [];
  for (const name of groups) {
    const filter = topology.filter(name, traffic.family);
    if (!filter) {
      const note = `security group "${name}" is attached to the instance but not imported: assumed to allow everything`;
      const step: PathStep = {
        filter: name,
        chain: 'inbound',
        verdict: 'accept',
        policy: 'not imported',
        assumptions: [note],
      };
      out.push({ sources: undecided, step, scopes: [undecided] });
      return out.filter((p) => !p.sources.isEmpty());
    }
    const verdict = evaluateFilter(filter, filter.entryChains.input ?? 'inbound', traffic, undecided);
    for (const d of verdict.decisions)
      (d.verdict === 'accept' ? out : denials).push({
        sources: d.sources,
        step: toStep(filter, d),
        scopes: d.assumptionScopes,
      });
    undecided = undecided.subtract(verdict.accepted);
  }
  // what no group allowed: show the first group's denial for it, so each blocked range names one step
  for (const denial of denials) {
    const part = denial.sources.intersect(undecided);
    if (part.isEmpty()) continue;
    const policy = `${denial.step.policy ?? 'no rule'} in every group (${groups.join(', ')})`;
    out.push({ sources: part, step: { ...denial.step, policy }, scopes: denial.scopes });
    undecided = undecided.subtract(part);
  }
  return out.filter((p) => !p.sources.isEmpty());
}

/** The step as `part` of its sources sees it: only the assumptions that concern those sources. */
export function stepFor(step: PathStep, scopes: AddressSet[], part: AddressSet): PathStep {
  if (!step.assumptions.length) return step;
  const assumptions = step.assumptions.filter((_, i) => !scopes[i]!.intersect(part).isEmpty());
  return assumptions.length === step.assumptions.length ? step : { ...step, assumptions };
}

function inAddressOrder(parts: ScopedPart[], family: AddressFamily): ScopedPart[] {
  const lowest = (p: ScopedPart) => p.sources.get(family)[0]!;
  return [...parts].sort((a, b) => (lowest(a) < lowest(b) ? -1 : lowest(a) > lowest(b) ? 1 : 0));
}

export function noFilterStep(zone: string, address: UsableAddress): PathStep {
  const note = `no filter stands between zone ${zone} and the asset's ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address in ${address.zone}: open`;
  return {
    filter: NO_FILTER_STEP_NAME,
    chain: '-',
    verdict: 'accept',
    policy: 'no filter on the path',
    assumptions: [note],
  };
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

/** Segments that met the same steps (by value) are one path; paths in the order they were first met. */
export function groupByPath(zone: string, segments: Segment[]): ZoneReach[] {
  const groups = new Map<string, { sources: AddressSet; path: PathStep[] }>();
  for (const segment of segments) {
    const key = pathKey(segment.steps);
    const group = groups.get(key);
    if (group) group.sources = group.sources.union(segment.sources);
    else groups.set(key, { sources: segment.sources, path: segment.steps });
  }
  return [...groups.values()].map((g) => ({ zone, ranges: g.sources.toCidrs(), path: g.path }));
}

/** The canonical key of a path: every field of every step, in a fixed order. */
function pathKey(steps: readonly PathStep[]): string {
  let key = '';
  for (const s of steps) {
    const r = s.rule;
    key += `${s.filter}\u0001${s.chain}\u0001${s.verdict}\u0001${s.policy ?? ''}\u0001`;
    key += r ? `${r.number}\u0001${r.locator}\u0001${r.document}\u0001${r.label ?? ''}\u0001${r.text}` : '-';
    key += `\u0001${s.assumptions.join('\u0002')}\u0000`;
  }
  return key;
}

/** The highest level among the reaching zones (the table in rules/exposure.json), and why. */
function exposureLevel(
  rules: ExposureRules,
  reaching: string[],
  ownZone: string,
  unknown: boolean,
): { level: ExposureLevel; why: string } {
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

function openTexts(result: ZoneResult): string[] {
  return (result.openTexts ??= result.open.map(
    (z) =>
      `reachable from ${z.zone === INTERNET_ZONE ? 'the internet' : z.zone} (${rangesText(z.ranges)}) ${pathText(z.path)}`,
  ));
}

function rangesText(ranges: string[]): string {
  return ranges.length <= 3
    ? ranges.join(', ')
    : `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more ranges`;
}

/** "through rule 3 of edge FORWARD (line 12: …) then the policy ACCEPT of web01-host INPUT". */
function pathText(path: PathStep[]): string {
  if (path.length === 1 && path[0]!.filter === NO_FILTER_STEP_NAME) return 'with no filter in between';
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
