/**
 * The network description format, `kind: patchcall/network` (YAML or JSON):
 *
 * ```yaml
 * kind: patchcall/network
 * zones:                               # name → CIDRs (IPv4 and IPv6); zones may not overlap
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
 * Every address outside every zone is the zone `internet`, which cannot be defined. Traffic between zones passes
 * every guard of the destination zone, then the asset's host filters; traffic within a zone passes only the host
 * filters. AWS security groups attach on their own through the asset's `securityGroupIds`. A filter named here
 * but not imported is refused (at import and at exposure) unless its entry says `assumeOpen: true`; then the
 * analysis assumes the path open there and says so. Documented in docs/formats/network.md.
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
