/**
 * Normalized packet filters. Every firewall format (iptables-save, nftables JSON, AWS security groups, Azure
 * NSGs) is parsed into ordered, first-match chains with jumps, so one reachability engine serves them all:
 * - iptables/nftables: chains as written, base chains with their policy, user chains return to the caller;
 * - AWS security groups: allow rules only, then an implicit drop (first match over allows = their union);
 * - Azure NSGs: rules sorted by priority, the default rules (65000…) last.
 */
import type { SourceRef } from '../common/provenance';

export type FilterKind = 'iptables' | 'nftables' | 'aws-security-group' | 'azure-nsg';
export type AddressFamily = 'ipv4' | 'ipv6';

/** CIDR strings ("10.0.0.0/8", "2001:db8::/32", "0.0.0.0/0"); `negate` = every address NOT in the list. */
export interface AddressMatch {
  cidrs: string[];
  negate: boolean;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface PortMatch {
  ranges: PortRange[];
  negate: boolean;
}

/** A match the parser could not model exactly (an opaque nft `xt` expression, an unknown iptables module). */
export interface UnknownMatch {
  text: string;
  why: string;
  /** The named thing whose contents another export holds (an Azure service tag, a security group, an ipset…), so a network description can map it to a zone. */
  ref?: {
    kind: 'service-tag' | 'security-group' | 'application-security-group' | 'prefix-list' | 'ipset' | 'nft-set';
    id: string;
  };
}

export interface RuleMatch {
  /** Lower-case protocol names (tcp, udp, icmp, ipv6-icmp…) or numbers as strings; undefined = any protocol. */
  protocols?: { values: string[]; negate: boolean };
  sources?: AddressMatch;
  destinations?: AddressMatch;
  destinationPorts?: PortMatch;
  sourcePorts?: PortMatch;
  /** conntrack/state values in upper case (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED); undefined = any state. */
  states?: { values: string[]; negate: boolean };
  inInterface?: { name: string; negate: boolean };
  outInterface?: { name: string; negate: boolean };
  /** Named sets (nftables @set, ipset) are resolved into the address/port lists above; unresolved ones land here. */
  unknown: UnknownMatch[];
}

export type RuleAction =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  /** Does not end evaluation (LOG, counter, MARK…). */
  | { kind: 'continue'; target: string }
  | { kind: 'unknown'; target: string };

export interface FilterRule {
  /** 1-based position in its chain as the source lists it (NSG: the priority order), for explanations. */
  number: number;
  /** The rule as the source wrote it: the iptables-save line, the nft rule rendered back, the SG permission. */
  text: string;
  /** Line number in the file (text formats) or JSON pointer (JSON formats). */
  locator: string;
  /** NSG rule name, SG rule id, nft handle: whatever the source calls the rule. */
  label?: string;
  family?: AddressFamily;
  match: RuleMatch;
  action: RuleAction;
}

export interface Chain {
  name: string;
  /** Base chains have a policy; user chains have none (falling off the end returns to the caller). */
  policy?: 'accept' | 'drop';
  rules: FilterRule[];
}

export interface Filter {
  /** Unique name the network description refers to, e.g. "edge" (iptables file) or "sg-0a1b2c" (security group). */
  name: string;
  /** What the source also calls it, for people: the security group's GroupName, the nft table. */
  label?: string;
  kind: FilterKind;
  /** Families this filter governs; a family it does not mention passes through it unfiltered. */
  families: AddressFamily[];
  /** Chains reachable by name; `entryChains` names where new inbound traffic starts (FORWARD, INPUT, …). */
  chains: Chain[];
  /** For iptables: {"forward": "FORWARD", "input": "INPUT"}; SG/NSG: {"input": "inbound"}. */
  entryChains: { forward?: string; input?: string };
  /** Things the parser noticed and the analysis must mention (unknown matches, ignored tables…). */
  warnings: string[];
  source: SourceRef;
}

export interface FilterBatch {
  kind: 'filters';
  filters: Filter[];
}

/** The filter and rule (or policy) that decided a packet's fate at one hop. */
export interface PathStep {
  filter: string;
  chain: string;
  verdict: 'accept' | 'drop';
  /** The deciding rule, or undefined when the chain policy (or an implicit default) decided. */
  rule?: { number: number; text: string; locator: string; document: string; label?: string };
  policy?: string;
  /** Where the analysis had to assume (an unknown match treated as matching, a missing filter…). */
  assumptions: string[];
}

export interface ZoneReach {
  zone: string;
  /** Source CIDRs within the zone from which the port can be reached (exact, from interval arithmetic). */
  ranges: string[];
  /** Each filter on the way, with its deciding rule for (a representative of) these sources. */
  path: PathStep[];
}

export interface PortReach {
  protocol: 'tcp' | 'udp';
  port: number;
  /** With ports unknown and no scan of the host: the range port..toPort this entry stands for (any port). */
  toPort?: number;
  /** What a scan saw: "closed" is a fact; "filtered" means unknown, not safe. */
  scanState?: string;
  reachableFrom: ZoneReach[];
  /** Zones that cannot reach it, each with the step that blocked it, for the explanation. */
  blockedFrom: ZoneReach[];
}

export interface AssetExposure {
  assetId: string;
  assetName: string;
  zone: string;
  ports: PortReach[];
  /** SSVC System Exposure from the zones that reach a vulnerable port (mapping in rules/exposure.json). */
  systemExposure: 'small' | 'controlled' | 'open';
  /** BOD 26-04 "Publicly Exposed": reachable from the internet zone. */
  publiclyExposed: boolean;
  reasons: string[];
  warnings: string[];
  /** Set when no source named the vulnerable ports and the host's own ports were assessed instead: what was assumed. */
  portsAssumed?: string;
}
