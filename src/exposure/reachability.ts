/**
 * Which sources one filter lets through to one destination, protocol and port: the entry chain walked in order
 * with first-match semantics over a *set* of sources, each rule splitting off the part it decides, so the answer
 * is exact per source range and names the rule (or policy) that decided each part.
 */
import { AddressSet, matchedAddresses } from './address-set';
import type { AddressFamily, Chain, Filter, FilterRule, RuleMatch } from './model';

/** A new connection to one destination, as a filter sees it. */
export interface Traffic {
  family: AddressFamily;
  destination: bigint;
  protocol: 'tcp' | 'udp';
  port: number;
  /** Interface names the traffic enters and leaves the filter by; undefined when the description does not say. */
  inInterface?: string;
  outInterface?: string;
}

/** The sources one rule (or the policy) decided. */
export interface Decision {
  sources: AddressSet;
  verdict: 'accept' | 'drop';
  chain: string;
  rule?: FilterRule;
  /** "policy DROP", "implicit deny", "not governed": set when no rule decided. */
  policy?: string;
  assumptions: string[];
  /** For each assumption, the part of `sources` it concerns (a decision may span sources it never touched). */
  assumptionScopes: AddressSet[];
}

export interface FilterVerdict {
  filter: Filter;
  chain: string;
  accepted: AddressSet;
  /** A partition of the sources that were evaluated. */
  decisions: Decision[];
}

const MAX_DEPTH = 64;
const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp' };
const ANY_PROTOCOL = new Set(['all', 'any', '*', '-1', '0', 'ip']);

/**
 * Evaluates `sources` against `chainName` of `filter`. A filter that does not govern the traffic's family passes
 * it; a missing entry chain is assumed open. Both say so in the decision's assumptions.
 */
export function evaluateFilter(
  filter: Filter,
  chainName: string,
  traffic: Traffic,
  sources: AddressSet,
): FilterVerdict {
  const only = sources.only(traffic.family);
  const verdict = (decisions: Decision[]): FilterVerdict => ({
    filter,
    chain: chainName,
    accepted: decisions
      .filter((d) => d.verdict === 'accept')
      .reduce((set, d) => set.union(d.sources), AddressSet.EMPTY),
    decisions: decisions.filter((d) => !d.sources.isEmpty()),
  });
  if (!filter.families.includes(traffic.family)) {
    const note = `${filter.name} does not filter ${traffic.family === 'ipv4' ? 'IPv4' : 'IPv6'}: that traffic passes it`;
    return verdict([
      {
        sources: only,
        verdict: 'accept',
        chain: chainName,
        policy: 'not governed',
        assumptions: [note],
        assumptionScopes: [only],
      },
    ]);
  }
  const chains = chainsOf(filter);
  const entry = chains.get(chainName);
  if (!entry) {
    const note = `${filter.name} has no chain "${chainName}": assumed open`;
    return verdict([
      {
        sources: only,
        verdict: 'accept',
        chain: chainName,
        policy: 'missing chain',
        assumptions: [note],
        assumptionScopes: [only],
      },
    ]);
  }
  const walk = new Walk(filter, chains, traffic);
  const { fellOff } = walk.chain(entry, only, 0);
  const policy = entry.policy;
  if (policy) walk.decide(fellOff, policy, entry.name, undefined, `policy ${policy.toUpperCase()}`);
  else
    walk.decide(fellOff, 'accept', entry.name, undefined, 'no policy', [
      `${filter.name} ${entry.name} has no policy: assumed ACCEPT`,
    ]);
  return verdict(walk.finish());
}

interface Assumption {
  sources: AddressSet;
  text: string;
}

class Walk {
  private readonly decisions: Decision[] = [];
  private readonly assumptions: Assumption[] = [];

  constructor(
    private readonly filter: Filter,
    private readonly chains: Map<string, Chain>,
    private readonly traffic: Traffic,
  ) {}

  /** Walks one chain; returns what RETURNed or fell off its end (for a base chain the caller applies the policy). */
  chain(chain: Chain, sources: AddressSet, depth: number): { fellOff: AddressSet } {
    let remaining = sources;
    let returned = AddressSet.EMPTY;
    for (const rule of serviceRules(chain, this.traffic)) {
      if (remaining.isEmpty()) break;
      const outcome = this.ruleApplies(rule);
      if (outcome === 'no') continue;
      const matched = rule.match.sources ? remaining.intersect(sourceSet(rule)) : remaining;
      if (matched.isEmpty()) continue;
      const action = rule.action;
      const assumeMatch = action.kind === 'accept' || action.kind === 'jump' || action.kind === 'goto';
      if (outcome !== 'yes') {
        const consequence = assumeMatch
          ? 'assumed to match (the exposure may be larger than real)'
          : 'assumed not to match (the exposure may be larger than real)';
        for (const why of outcome.maybe)
          this.assume(matched, `${describeRule(this.filter, chain.name, rule)}: ${why}; ${consequence}`);
        if (!assumeMatch) continue;
      }
      switch (action.kind) {
        case 'accept':
          this.decide(matched, 'accept', chain.name, rule);
          remaining = remaining.subtract(matched);
          break;
        case 'drop':
        case 'reject':
          this.decide(matched, 'drop', chain.name, rule);
          remaining = remaining.subtract(matched);
          break;
        case 'return':
          returned = returned.union(matched);
          remaining = remaining.subtract(matched);
          break;
        case 'jump':
        case 'goto': {
          const target = this.chains.get(action.chain);
          if (!target) {
            this.assume(
              matched,
              `${describeRule(this.filter, chain.name, rule)}: chain "${action.chain}" is not in the filter; its rules are unknown and the traffic is assumed to continue`,
            );
            break;
          }
          if (depth >= MAX_DEPTH) {
            this.assume(
              matched,
              `${this.filter.name}: chains nest deeper than ${MAX_DEPTH} at "${action.chain}" (a loop?); the traffic is assumed to continue`,
            );
            break;
          }
          const back = this.chain(target, matched, depth + 1).fellOff;
          remaining = remaining.subtract(matched);
          if (action.kind === 'jump') remaining = remaining.union(back);
          else returned = returned.union(back);
          break;
        }
        case 'unknown':
          this.assume(
            matched,
            `${describeRule(this.filter, chain.name, rule)}: target "${action.target}" is not modelled; the traffic is assumed to continue past it`,
          );
          break;
      }
    }
    return { fellOff: returned.union(remaining) };
  }

  decide(
    sources: AddressSet,
    verdict: 'accept' | 'drop',
    chain: string,
    rule?: FilterRule,
    policy?: string,
    notes: string[] = [],
  ): void {
    if (sources.isEmpty()) return;
    for (const text of notes) this.assume(sources, text);
    this.decisions.push({
      sources,
      verdict,
      chain,
      ...(rule ? { rule } : {}),
      ...(policy ? { policy } : {}),
      assumptions: [],
      assumptionScopes: [],
    });
  }

  /** Attaches each assumption to the decisions whose sources it touched. */
  finish(): Decision[] {
    for (const decision of this.decisions) {
      for (const a of this.assumptions) {
        const scope = a.sources.intersect(decision.sources);
        if (scope.isEmpty()) continue;
        const known = decision.assumptions.indexOf(a.text);
        if (known >= 0) decision.assumptionScopes[known] = decision.assumptionScopes[known]!.union(scope);
        else {
          decision.assumptions.push(a.text);
          decision.assumptionScopes.push(scope);
        }
      }
    }
    return this.decisions;
  }

  private assume(sources: AddressSet, text: string): void {
    this.assumptions.push({ sources, text });
  }

  /** Everything but the source address and what `serviceRules` settled: 'yes', 'no', or 'maybe' with the reasons. */
  private ruleApplies(rule: FilterRule): 'yes' | 'no' | { maybe: string[] } {
    const { traffic } = this;
    const m = rule.match;
    if (m.destinations && !destinationSet(rule).containsValue(traffic.family, traffic.destination)) return 'no';
    const maybe: string[] = [];
    for (const [which, match, known] of [
      ['-i', m.inInterface, traffic.inInterface],
      ['-o', m.outInterface, traffic.outInterface],
    ] as const) {
      if (!match) continue;
      if (known === undefined) {
        maybe.push(
          `${match.negate ? '! ' : ''}${which} ${match.name} cannot be decided (the network description gives no interface for that side)`,
        );
      } else if (interfaceMatches(match.name, known) === match.negate) return 'no';
    }
    if (m.sourcePorts) maybe.push('it matches only some client source ports');
    for (const unknown of m.unknown) maybe.push(`cannot evaluate "${unknown.text}" (${unknown.why})`);
    return maybe.length ? { maybe } : 'yes';
  }
}

/** "rule 3 of edge FORWARD (line 12: -A FORWARD …)": how explanations name a rule. */
export function describeRule(filter: Filter | string, chain: string, rule: FilterRule): string {
  const name = typeof filter === 'string' ? filter : filter.name;
  const where = /^\d+$/.test(rule.locator) ? `line ${rule.locator}` : rule.locator;
  return `rule ${rule.number}${rule.label ? ` "${rule.label}"` : ''} of ${name} ${chain} (${where}: ${rule.text})`;
}

/**
 * The conditions checked before the destination address: family, protocol, port, state. A rule failing them
 * decides nothing for that service, wherever its destination match points (see `serviceClass`).
 */
function appliesToService(rule: FilterRule, service: Pick<Traffic, 'family' | 'protocol' | 'port'>): boolean {
  const m = rule.match;
  if (rule.family && rule.family !== service.family) return false;
  if (!protocolMatches(m, service.protocol)) return false;
  if (m.destinationPorts && inPorts(m.destinationPorts.ranges, service.port) === m.destinationPorts.negate)
    return false;
  if (m.states && m.states.values.includes('NEW') === m.states.negate) return false;
  return true;
}

function protocolMatches(m: RuleMatch, protocol: string): boolean {
  if (!m.protocols) return true;
  const hit = m.protocols.values.some((v) => {
    const name = v.toLowerCase();
    return ANY_PROTOCOL.has(name) || name === protocol || PROTOCOL_NUMBERS[name] === protocol;
  });
  return hit !== m.protocols.negate;
}

function inPorts(ranges: { from: number; to: number }[], port: number): boolean {
  return ranges.some((r) => r.from <= port && port <= r.to);
}

/** iptables: a trailing "+" matches every interface with that prefix. */
function interfaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

const chainServiceRules = new WeakMap<Chain, Map<string, FilterRule[]>>();

/**
 * The rules of a chain that can decide anything for the service: LOG, counters and marks decide nothing, and a
 * rule for another family, protocol, port or state never matches. Every walk of that service skips the rest.
 */
function serviceRules(chain: Chain, traffic: Pick<Traffic, 'family' | 'protocol' | 'port'>): FilterRule[] {
  let byService = chainServiceRules.get(chain);
  if (!byService) chainServiceRules.set(chain, (byService = new Map()));
  const key = `${traffic.family}|${traffic.protocol}/${traffic.port}`;
  let rules = byService.get(key);
  if (!rules)
    byService.set(
      key,
      (rules = chain.rules.filter((rule) => rule.action.kind !== 'continue' && appliesToService(rule, traffic))),
    );
  return rules;
}

const sourceSets = new WeakMap<FilterRule, AddressSet>();
const destinationSets = new WeakMap<FilterRule, AddressSet>();
const chainMaps = new WeakMap<Filter, Map<string, Chain>>();

function sourceSet(rule: FilterRule): AddressSet {
  let set = sourceSets.get(rule);
  if (!set) sourceSets.set(rule, (set = matchedAddresses(rule.match.sources!)));
  return set;
}

/** The addresses a rule's destination match covers (all addresses when it has none). */
export function destinationSet(rule: FilterRule): AddressSet {
  let set = destinationSets.get(rule);
  if (!set)
    destinationSets.set(
      rule,
      (set = rule.match.destinations ? matchedAddresses(rule.match.destinations) : AddressSet.ALL),
    );
  return set;
}

function chainsOf(filter: Filter): Map<string, Chain> {
  let map = chainMaps.get(filter);
  if (!map) chainMaps.set(filter, (map = new Map(filter.chains.map((c) => [c.name, c]))));
  return map;
}

const classBoundaries = new WeakMap<Filter, Partial<Record<AddressFamily, bigint[]>>>();

/**
 * Destinations in the same class match exactly the same destination conditions of every rule of the filter, so
 * they get the same verdicts: the class is the index of the elementary interval between rule boundaries.
 */
export function destinationClass(filter: Filter, family: AddressFamily, destination: bigint): number {
  let byFamily = classBoundaries.get(filter);
  if (!byFamily) classBoundaries.set(filter, (byFamily = {}));
  let bounds = byFamily[family];
  if (!bounds) {
    const points = new Set<bigint>();
    for (const chain of filter.chains) {
      for (const rule of chain.rules) {
        if (!rule.match.destinations) continue;
        const intervals = destinationSet(rule).get(family);
        for (let i = 0; i < intervals.length; i += 2) points.add(intervals[i]!).add(intervals[i + 1]! + 1n);
      }
    }
    bounds = byFamily[family] = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return classOf(bounds, destination);
}

const serviceBoundaries = new WeakMap<Filter, Map<string, bigint[]>>();

/**
 * `destinationClass` for one service: only the rules the walk would test the destination of (not LOG-like,
 * matching family, protocol, port and state) draw boundaries. Destinations in the same class get the same walk
 * for that service, and there are far fewer such classes than full ones (most rules are for other ports).
 */
export function serviceClass(filter: Filter, traffic: Traffic): number {
  let byService = serviceBoundaries.get(filter);
  if (!byService) serviceBoundaries.set(filter, (byService = new Map()));
  const key = `${traffic.family}|${traffic.protocol}/${traffic.port}`;
  let bounds = byService.get(key);
  if (!bounds) {
    const points = new Set<bigint>();
    for (const chain of filter.chains) {
      for (const rule of serviceRules(chain, traffic)) {
        if (!rule.match.destinations) continue;
        const intervals = destinationSet(rule).get(traffic.family);
        for (let i = 0; i < intervals.length; i += 2) points.add(intervals[i]!).add(intervals[i + 1]! + 1n);
      }
    }
    byService.set(key, (bounds = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))));
  }
  return classOf(bounds, traffic.destination);
}

function classOf(bounds: readonly bigint[], destination: bigint): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= destination) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
