/**
 * The network description turned into lookups: which zone an address is in, which addresses a zone holds, and
 * which filters stand between a source zone and an asset.
 */
import type { Asset } from '../inventory/model';
import { AddressSet, parseCidr } from './address-set';
import type { AddressFamily, Filter } from './model';
import { INTERNET_ZONE, PRIVATE_CIDRS, UNASSIGNED_PRIVATE_ZONE, type NetworkDescription } from './network-model';

/** Reported for an asset whose addresses lie outside every described zone. */
export const NO_ZONE = 'no zone';

/** One enforcement point on the way in: a named filter's chain, or the union of an instance's security groups. */
export type Hop =
  | { kind: 'filter'; filter: string; chain: string; interfaces: Record<string, string>; role: 'guard' | 'host' }
  | { kind: 'security-groups'; groups: string[] };

export class Topology {
  /**
   * Every zone's own addresses (a zone's minus those of zones inside it), so each address is in one zone;
   * `unassigned-private` is the private space no zone holds, `internet` the rest.
   */
  readonly zones: { name: string; addresses: AddressSet }[];
  /** Per nested zone, the zones it lies inside, innermost first. */
  private readonly outer = new Map<string, string[]>();
  /** Guard interfaces with `unassigned-private` arriving where the internet does, unless the description says. */
  private readonly guardInterfaces = new Map<NetworkDescription['guards'][number], Record<string, string>>();
  private readonly lookup: Record<AddressFamily, { lo: bigint; hi: bigint; zone: string }[]>;
  private readonly filtersByName = new Map<string, Filter[]>();
  private readonly hostsByAsset = new Map<string, NetworkDescription['hosts']>();
  private readonly filterCache: Record<AddressFamily, Map<string, Filter | undefined>> = {
    ipv4: new Map(),
    ipv6: new Map(),
  };
  /** Hop lists are asked for per asset and per zone; most assets share one, and callers only read them. */
  private readonly hopsCache = new Map<string, Hop[]>();

  constructor(
    readonly network: NetworkDescription | undefined,
    filters: readonly Filter[],
  ) {
    const written = (network?.zones ?? []).map((z) => ({ name: z.name, addresses: AddressSet.fromCidrs(z.cidrs) }));
    const contains = (a: AddressSet, b: AddressSet) => a !== b && a.intersect(b).equals(b);
    const described = written.map((zone) => {
      const inner = written.filter((other) => contains(zone.addresses, other.addresses));
      const outer = written.filter((other) => contains(other.addresses, zone.addresses));
      // of two enclosing zones one lies inside the other (the parser refuses any other overlap): innermost (the one most others enclose) first
      const byDepth = outer.map((o) => ({
        name: o.name,
        depth: outer.filter((x) => contains(x.addresses, o.addresses)).length,
      }));
      if (outer.length)
        this.outer.set(
          zone.name,
          byDepth.sort((a, b) => b.depth - a.depth).map((o) => o.name),
        );
      return { name: zone.name, addresses: inner.reduce((set, z) => set.subtract(z.addresses), zone.addresses) };
    });
    const inside = written.reduce((set, z) => set.union(z.addresses), AddressSet.EMPTY);
    const unassigned = AddressSet.fromCidrs(PRIVATE_CIDRS).subtract(inside);
    const zoned = unassigned.isEmpty()
      ? described
      : [...described, { name: UNASSIGNED_PRIVATE_ZONE, addresses: unassigned }];
    this.zones = [...zoned, { name: INTERNET_ZONE, addresses: inside.union(unassigned).complement() }];
    for (const guard of network?.guards ?? []) {
      const internet = guard.interfaces[INTERNET_ZONE];
      this.guardInterfaces.set(
        guard,
        internet && !(UNASSIGNED_PRIVATE_ZONE in guard.interfaces)
          ? { ...guard.interfaces, [UNASSIGNED_PRIVATE_ZONE]: internet }
          : guard.interfaces,
      );
    }
    this.lookup = { ipv4: [], ipv6: [] };
    for (const zone of zoned) {
      for (const family of ['ipv4', 'ipv6'] as const) {
        const intervals = zone.addresses.get(family);
        for (let i = 0; i < intervals.length; i += 2)
          this.lookup[family].push({ lo: intervals[i]!, hi: intervals[i + 1]!, zone: zone.name });
      }
    }
    for (const family of ['ipv4', 'ipv6'] as const) this.lookup[family].sort((a, b) => (a.lo < b.lo ? -1 : 1));
    for (const host of network?.hosts ?? [])
      this.hostsByAsset.set(host.asset, [...(this.hostsByAsset.get(host.asset) ?? []), host]);
    for (const filter of filters) {
      const list = this.filtersByName.get(filter.name) ?? [];
      list.push(filter);
      this.filtersByName.set(filter.name, list);
    }
  }

  /** The zones a nested zone lies inside, innermost first (none for a zone inside no other). */
  outerZones(zone: string): readonly string[] {
    return this.outer.get(zone) ?? [];
  }

  /** The most specific described zone holding the address, `unassigned-private`, or undefined (public space). */
  zoneOf(family: AddressFamily, value: bigint): string | undefined {
    const table = this.lookup[family];
    let lo = 0;
    let hi = table.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const entry = table[mid]!;
      if (value < entry.lo) hi = mid - 1;
      else if (value > entry.hi) lo = mid + 1;
      else return entry.zone;
    }
    return undefined;
  }

  /**
   * The filter of that name governing the family: the latest imported one (filters are given oldest first);
   * a filter of that name that governs only the other family is returned so the engine can say it passes.
   * Undefined when nothing of that name was imported.
   */
  filter(name: string, family: AddressFamily): Filter | undefined {
    const cache = this.filterCache[family];
    if (cache.has(name)) return cache.get(name);
    const list = this.filtersByName.get(name);
    const found = list && ([...list].reverse().find((f) => f.families.includes(family)) ?? list[list.length - 1]);
    cache.set(name, found);
    return found;
  }

  /** Guards of the asset's zone for traffic from another zone, then the asset's own filters. Shared: do not modify. */
  hops(asset: Asset, assetZone: string, sourceZone: string): readonly Hop[] {
    const guarded = sourceZone !== assetZone && assetZone !== NO_ZONE;
    const hosted = this.hostsByAsset.has(asset.name);
    const key = `${guarded ? `+${assetZone}` : '-'}\u0000${hosted ? asset.name : ''}\u0000${asset.securityGroupIds.length}\u0000${asset.securityGroupIds.join('\u0000')}`;
    let hops = this.hopsCache.get(key);
    if (!hops) this.hopsCache.set(key, (hops = this.buildHops(asset, assetZone, guarded)));
    return hops;
  }

  private buildHops(asset: Asset, assetZone: string, guarded: boolean): Hop[] {
    const hops: Hop[] = [];
    if (guarded) {
      for (const guard of this.network?.guards ?? []) {
        if (guard.zones.includes(assetZone))
          hops.push({
            kind: 'filter',
            filter: guard.filter,
            chain: guard.chain,
            interfaces: this.guardInterfaces.get(guard)!,
            role: 'guard',
          });
      }
    }
    for (const host of this.hostsByAsset.get(asset.name) ?? []) {
      hops.push({ kind: 'filter', filter: host.filter, chain: host.chain, interfaces: {}, role: 'host' });
    }
    if (asset.securityGroupIds.length)
      hops.push({ kind: 'security-groups', groups: [...asset.securityGroupIds].sort() });
    return hops;
  }
}

/** An asset address as the engine reads it; undefined for text that is no address (reported by the caller). */
export function readAddress(text: string): { family: AddressFamily; value: bigint } | undefined {
  const quad = plainIpv4(text);
  if (quad !== undefined) return { family: 'ipv4', value: BigInt(quad) };
  try {
    const parsed = parseCidr(text.split('/')[0]!);
    return { family: parsed.family, value: parsed.lo };
  } catch {
    return undefined;
  }
}

/**
 * "10.1.2.3" exactly as parseCidr's dotted quad accepts it (no leading zeros, no spaces, no prefix), without a
 * regex or allocations: inventories are mostly such addresses and this runs per asset. Anything else is undefined
 * and takes the general path.
 */
function plainIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}
