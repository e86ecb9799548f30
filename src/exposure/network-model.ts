/**
 * The network description: zones as CIDR sets, and which imported filter guards traffic into which zones or is
 * the host firewall of which asset. Addresses outside every zone belong to the zone `internet`.
 */

/** The zone every address outside the described zones belongs to; a description may not define it. */
export const INTERNET_ZONE = 'internet';

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
