/** Hand-built filters and assets for exposure tests: the model values a parser would produce, written out. */
import type { Asset, AssetMatch, ObservedService } from '../../../src/inventory/model';
import type {
  AddressFamily,
  Chain,
  Filter,
  FilterKind,
  FilterRule,
  RuleAction,
  RuleMatch,
} from '../../../src/exposure/model';
import type { NetworkDescription } from '../../../src/exposure/network-model';
import type { ExposureRules } from '../../../src/exposure/exposure-rules';
import exposureJson from '../../../rules/exposure.json';

export const exposureRules = exposureJson as unknown as ExposureRules;

const src = { format: 'manual' as const, document: 'test' };

type Act = 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' | 'LOG' | `jump ${string}` | `goto ${string}` | `unknown ${string}`;

function action(a: Act): RuleAction {
  if (a === 'ACCEPT') return { kind: 'accept' };
  if (a === 'DROP') return { kind: 'drop' };
  if (a === 'REJECT') return { kind: 'reject' };
  if (a === 'RETURN') return { kind: 'return' };
  if (a === 'LOG') return { kind: 'continue', target: 'LOG' };
  const [kind, chain] = a.split(' ') as ['jump' | 'goto' | 'unknown', string];
  return kind === 'unknown' ? { kind, target: chain } : { kind, chain };
}

export interface RuleSpec extends Partial<Omit<RuleMatch, 'sources' | 'destinations' | 'destinationPorts'>> {
  s?: string[];
  notS?: string[];
  d?: string[];
  notD?: string[];
  p?: string;
  dports?: [number, number][];
  notDports?: [number, number][];
  family?: AddressFamily;
  label?: string;
  j: Act;
}

export function chain(name: string, policy: 'accept' | 'drop' | undefined, specs: RuleSpec[], firstLine = 1): Chain {
  const rules: FilterRule[] = specs.map((spec, i) => {
    const { s, notS, d, notD, p, dports, notDports, family, label, j, ...rest } = spec;
    const match: RuleMatch = {
      unknown: [],
      ...rest,
      ...(s ? { sources: { cidrs: s, negate: false } } : notS ? { sources: { cidrs: notS, negate: true } } : {}),
      ...(d
        ? { destinations: { cidrs: d, negate: false } }
        : notD
          ? { destinations: { cidrs: notD, negate: true } }
          : {}),
      ...(p ? { protocols: { values: [p], negate: false } } : {}),
      ...(dports ? { destinationPorts: { ranges: dports.map(([from, to]) => ({ from, to })), negate: false } } : {}),
      ...(notDports
        ? { destinationPorts: { ranges: notDports.map(([from, to]) => ({ from, to })), negate: true } }
        : {}),
    };
    return {
      number: i + 1,
      text: `${name} rule ${i + 1} -j ${j}`,
      locator: String(firstLine + i),
      ...(label ? { label } : {}),
      ...(family ? { family } : {}),
      match,
      action: action(j),
    };
  });
  return { name, ...(policy ? { policy } : {}), rules };
}

export function filter(
  name: string,
  chains: Chain[],
  options: { kind?: FilterKind; families?: AddressFamily[]; entry?: string } = {},
): Filter {
  const kind = options.kind ?? 'iptables';
  const entry = options.entry ?? chains[0]!.name;
  return {
    name,
    kind,
    families: options.families ?? ['ipv4'],
    chains,
    entryChains:
      kind === 'aws-security-group' || kind === 'azure-nsg' ? { input: entry } : { forward: entry, input: entry },
    warnings: [],
    source: { format: 'manual', document: `${name}.rules` },
  };
}

/** An AWS security group: allow-only inbound rules and an implicit deny. */
export function securityGroup(id: string, allows: { p: string; ports: [number, number]; cidrs: string[] }[]): Filter {
  return filter(
    id,
    [
      chain(
        'inbound',
        'drop',
        allows.map((a) => ({ p: a.p, dports: [a.ports], s: a.cidrs, j: 'ACCEPT' as const })),
      ),
    ],
    { kind: 'aws-security-group', families: ['ipv4', 'ipv6'] },
  );
}

export function asset(name: string, addresses: string[], extra: Partial<Asset> = {}): Asset {
  return {
    id: `id-${name}`,
    name,
    addresses,
    hostnames: [],
    osCandidates: [],
    services: [],
    installedFixes: [],
    software: [],
    softwareInventories: [],
    criticality: 'high',
    environment: 'production',
    patchedBy: 'self',
    tags: [],
    retired: false,
    securityGroupIds: [],
    conflicts: [],
    sources: [src],
    ...extra,
  };
}

export function service(port: number, state: ObservedService['state']): ObservedService {
  return { protocol: 'tcp', port, state, source: { format: 'manual', document: 'scan.xml' } };
}

export function affected(a: Asset): AssetMatch {
  return { asset: a, status: 'affected', reasons: ['hand-built'], matchedProducts: [] };
}

export function network(
  zones: Record<string, string[]>,
  guards: NetworkDescription['guards'] = [],
  hosts: NetworkDescription['hosts'] = [],
): NetworkDescription {
  return {
    document: 'network.yaml',
    zones: Object.entries(zones).map(([name, cidrs]) => ({ name, cidrs, locator: `/zones/${name}` })),
    guards,
    hosts,
  };
}

export function guard(
  filterName: string,
  chainName: string,
  zones: string[],
  interfaces: Record<string, string> = {},
): NetworkDescription['guards'][number] {
  return { filter: filterName, chain: chainName, zones, interfaces, locator: '/guards/0' };
}
