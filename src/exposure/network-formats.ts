/**
 * The network description format, `kind: patchcall/network` (YAML or JSON):
 *
 * ```yaml
 * kind: patchcall/network
 * zones:                               # name → CIDRs (IPv4 and IPv6); a zone may lie inside another
 *   office: [10.0.0.0/8]               # 10.0.0.0/16 is azure (the most specific zone wins), the rest office
 *   azure: [10.0.0.0/16]
 *   dmz: [10.10.0.0/24, "2001:db8:10::/64"]
 *   servers: { cidrs: [10.20.0.0/16], description: internal servers }
 * guards:                              # network filters: `chain` of `filter` sees traffic INTO `zones`
 *   - filter: edge                     # the imported filter's name (file base name, SG id …)
 *     chain: FORWARD
 *     zones: [dmz, servers]
 *     interfaces: { internet: eth0, dmz: eth1, servers: eth2 }   # optional: decides -i/-o matches
 * hosts:                               # host firewalls, by inventory asset name
 *   - { asset: db01, filter: db01-host, chain: INPUT }
 * ```
 *
 * An address belongs to the most specific zone holding it, as a route does: above, 10.0.1.5 is in azure and only
 * azure's guards stand in front of it; the analysis names the enclosing zone too. Zones that overlap without one
 * lying inside the other are refused. Every private address (RFC 1918, RFC 6598, fc00::/7) outside every zone is
 * the zone `unassigned-private`, never the internet and never "publicly exposed"; every other address is the zone
 * `internet`. Neither can be defined. A guard's interface for `unassigned-private` defaults to its `internet`
 * interface (unzoned space is reached by the default route). Traffic between zones passes every guard of the
 * destination zone, then the asset's host filters; traffic within a zone passes only the host filters. AWS
 * security groups attach on their own through the asset's `securityGroupIds`. A filter named here but not imported
 * is refused (at import and at exposure) unless its entry says `assumeOpen: true`; then the analysis assumes the
 * path open there and says so. Documented in docs/formats/network.md.
 */
import type { FormatHandler } from '../common/format-handler';
import type { NetworkBatch } from './network-model';
import { isNetworkDocument, parseNetworkDescription } from './parsers/network-description';

export const networkFormats: FormatHandler<NetworkBatch>[] = [
  {
    format: 'network',
    description: 'patchcall network description (kind: patchcall/network, YAML or JSON): zones, guards, host firewalls',
    detect: isNetworkDocument,
    parse: (doc) => ({ kind: 'network', network: parseNetworkDescription(doc) }),
  },
];
