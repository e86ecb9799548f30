/**
 * The network description: zones as CIDR sets, and which imported filter guards traffic into which zones or is
 * the host firewall of which asset. A zone may lie inside another; an address belongs to the most specific zone
 * holding it, as a route does. Addresses outside every zone belong to `unassigned-private` when they are private
 * space, and to `internet` otherwise.
 */

/** Public routable space outside the described zones; a description may not define it. */
export const INTERNET_ZONE = 'internet';

/** Private space outside the described zones: never the internet, never "publicly exposed"; not definable either. */
export const UNASSIGNED_PRIVATE_ZONE = 'unassigned-private';

/** RFC 1918, RFC 6598 (carrier-grade NAT) and RFC 4193 (unique local IPv6) space. */
export const PRIVATE_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

export interface NetworkZone {
  name: string;
  /** IPv4 and IPv6 CIDRs, as written. */
  cidrs: string[];
  description?: string;
  /** JSON pointer of the zone in its document, for messages. */
  locator: string;
}

/** A network filter (by name) whose `chain` sees every packet entering `zones` from another zone. */
export interface ZoneGuard {
  filter: string;
  chain: string;
  zones: string[];
  /** Zone → interface name on this filter, so `-i`/`-o` matches can be decided; missing ones become assumptions. */
  interfaces: Record<string, string>;
  /** Set when the description accepts that this filter is not imported: the hop is then assumed open, and said so. */
  assumeOpen?: boolean;
  locator: string;
}

/** The host firewall of one asset (by inventory name); AWS security groups attach through the asset itself. */
export interface HostGuard {
  asset: string;
  filter: string;
  chain: string;
  assumeOpen?: boolean;
  locator: string;
}

export interface NetworkDescription {
  /** The file it was read from. */
  document: string;
  zones: NetworkZone[];
  guards: ZoneGuard[];
  hosts: HostGuard[];
}

export interface NetworkBatch {
  kind: 'network';
  network: NetworkDescription;
}
