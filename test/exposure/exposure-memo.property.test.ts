/**
 * The memoising wrapper (computeExposure, one engine shared by every asset) gives the same answers as the plain
 * definition (exposureFor, asset by asset) on random estates: nested zones, unzoned private and public space,
 * guards with and without interfaces, host filters, security groups, user chains, unknown matches, missing filters
 * and chains, IPv4 and IPv6, scan states, bad addresses, and assets that share or nearly share a signature.
 */
import fc from 'fast-check';
import { computeExposure, type ExposureInputs } from '../../src/exposure/compute-exposure';
import { exposureFor } from '../../src/exposure/exposure-for';
import type { AddressFamily, Filter } from '../../src/exposure/model';
import type { NetworkDescription } from '../../src/exposure/network-model';
import type { ObservedService } from '../../src/inventory/model';
import {
  affected,
  asset,
  chain,
  exposureRules,
  filter,
  network,
  securityGroup,
  type RuleSpec,
} from './helpers/build-filters';

const ZONE_CIDRS = [
  '10.0.0.0/8',
  '10.0.0.0/16',
  '10.1.0.0/16',
  '10.0.1.0/24',
  '10.1.2.0/24',
  '192.168.0.0/16',
  '192.0.2.0/24',
  '2001:db8::/32',
  '2001:db8:1::/48',
  'fd00::/8',
];
const RULE_CIDRS = [...ZONE_CIDRS, '0.0.0.0/0', '10.0.1.5/32', '8.0.0.0/7', '::/0', '2001:db8:1::5/128'];
const ADDRESSES = [
  '10.0.1.5',
  '10.0.1.6',
  '10.1.2.3',
  '10.5.0.1',
  '192.168.3.4',
  '192.0.2.10',
  '198.51.100.7',
  '100.64.0.9',
  '2001:db8:1::5',
  '2001:db8:2::5',
  'fd00::7',
  '10.0.0.300',
];
const FILTERS = ['f0', 'f1', 'f2'];
const GROUPS = ['sg-a', 'sg-b'];
const INTERFACES = ['eth0', 'eth1', 'eth2'];

const ruleSpec: fc.Arbitrary<RuleSpec> = fc
  .record(
    {
      s: fc.constantFrom(...RULE_CIDRS).map((c) => [c]),
      notS: fc.constantFrom(...RULE_CIDRS).map((c) => [c]),
      d: fc.constantFrom(...RULE_CIDRS).map((c) => [c]),
      p: fc.constantFrom('tcp', 'udp', 'all'),
      dports: fc.constantFrom<[number, number][]>([[139, 139]], [[445, 445]], [[100, 500]], [[1, 138]]),
      inInterface: fc.record({ name: fc.constantFrom('eth0', 'eth1', 'eth+'), negate: fc.boolean() }),
      unknown: fc
        .constant(null)
        .map(() => [{ text: '-m set --match-set blocklist src', why: 'ipset contents are not in the dump' }]),
      sourcePorts: fc.constant(null).map(() => ({ ranges: [{ from: 1024, to: 65535 }], negate: false })),
      j: fc.constantFrom<RuleSpec['j']>(
        'ACCEPT',
        'DROP',
        'REJECT',
        'RETURN',
        'LOG',
        'jump USER',
        'goto USER',
        'unknown TARPIT',
      ),
    },
    { requiredKeys: ['j'] },
  )
  .map((spec) => {
    // a rule has one source match
    if (spec.s && spec.notS) delete spec.notS;
    return spec;
  });

const families = fc.constantFrom<AddressFamily[]>(['ipv4'], ['ipv6'], ['ipv4', 'ipv6']);

const filterArb = (name: string): fc.Arbitrary<Filter> =>
  fc
    .record({
      forward: fc.array(ruleSpec, { maxLength: 5 }),
      input: fc.array(ruleSpec, { maxLength: 4 }),
      user: fc.array(ruleSpec, { maxLength: 3 }),
      forwardPolicy: fc.constantFrom<'accept' | 'drop' | undefined>('accept', 'drop', undefined),
      inputPolicy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop'),
      families,
    })
    .map((f) =>
      filter(
        name,
        [
          chain('FORWARD', f.forwardPolicy, f.forward),
          chain('INPUT', f.inputPolicy, f.input, 100),
          chain('USER', undefined, f.user, 200),
        ],
        { families: f.families },
      ),
    );

const groupArb = (id: string): fc.Arbitrary<Filter> =>
  fc
    .array(
      fc.record({
        p: fc.constantFrom('tcp', 'udp', '-1'),
        ports: fc.constantFrom<[number, number]>([139, 139], [445, 445], [0, 65535]),
        cidrs: fc.subarray(RULE_CIDRS, { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 3 },
    )
    .map((allows) => securityGroup(id, allows));

const estate = fc
  .record({
    zoneCidrs: fc.uniqueArray(fc.constantFrom(...ZONE_CIDRS), { maxLength: 4 }),
    described: fc.boolean(),
    filters: fc.tuple(...FILTERS.map(filterArb)),
    importedFilters: fc.subarray(FILTERS),
    groups: fc.tuple(...GROUPS.map(groupArb)),
    importedGroups: fc.subarray(GROUPS),
    guardSpecs: fc.array(
      fc.record({
        filter: fc.constantFrom(...FILTERS, 'ghost'),
        chain: fc.constantFrom('FORWARD', 'FORWARD', 'USER', 'MISSING'),
        zones: fc.array(fc.nat(4), { minLength: 1, maxLength: 3 }),
        interfaces: fc.array(fc.tuple(fc.nat(6), fc.constantFrom(...INTERFACES)), { maxLength: 4 }),
      }),
      { maxLength: 3 },
    ),
    assets: fc.array(
      fc.record({
        addresses: fc.subarray(ADDRESSES, { maxLength: 2 }),
        states: fc.tuple(
          fc.constantFrom('', 'open', 'closed', 'filtered'),
          fc.constantFrom('', 'open', 'closed', 'open|filtered'),
        ),
        groups: fc.subarray([...GROUPS, 'sg-missing'], { maxLength: 2 }),
        hostFilter: fc.option(fc.constantFrom(...FILTERS, 'ghost'), { nil: undefined }),
        twins: fc.nat(2),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    ports: fc.subarray(
      [
        { protocol: 'tcp' as const, port: 139 },
        { protocol: 'tcp' as const, port: 445 },
        { protocol: 'udp' as const, port: 445 },
      ],
      { minLength: 0 },
    ),
  })
  .map((e) => {
    const zoneNames = e.zoneCidrs.map((_, i) => `z${i}`);
    const sideNames = [...zoneNames, 'internet', 'unassigned-private'];
    const guards: NetworkDescription['guards'] = zoneNames.length
      ? e.guardSpecs.map((g, i) => ({
          filter: g.filter,
          chain: g.chain,
          zones: [...new Set(g.zones.map((z) => zoneNames[z % zoneNames.length]!))],
          interfaces: Object.fromEntries(
            g.interfaces.map(([side, name]) => [sideNames[side % sideNames.length]!, name]),
          ),
          locator: `/guards/${i}`,
        }))
      : [];
    const assets = e.assets.flatMap((a, i) => {
      const services: ObservedService[] = [139, 445].flatMap((port, k) =>
        a.states[k]
          ? [
              {
                protocol: 'tcp' as const,
                port,
                state: a.states[k] as ObservedService['state'],
                source: { format: 'manual' as const, document: 'scan.xml' },
              },
            ]
          : [],
      );
      // twins share everything but the name (and so the memo's signature), unless they have a host filter
      return Array.from({ length: a.twins + 1 }, (_, t) =>
        asset(`a${i}-${t}`, a.addresses, { services, securityGroupIds: a.groups }),
      );
    });
    const hosts = e.assets.flatMap((a, i) =>
      a.hostFilter ? [{ asset: `a${i}-0`, filter: a.hostFilter, chain: 'INPUT', locator: `/hosts/${i}` }] : [],
    );
    const net = e.described
      ? network(Object.fromEntries(e.zoneCidrs.map((c, i) => [zoneNames[i]!, [c]])), guards, hosts)
      : undefined;
    const inputs: ExposureInputs = {
      filters: [
        ...e.filters.filter((f) => e.importedFilters.includes(f.name)),
        ...e.groups.filter((g) => e.importedGroups.includes(g.name)),
      ],
      ...(net ? { network: net } : {}),
      ports: e.ports,
      rules: exposureRules,
    };
    return { inputs, assets };
  });

describe('the memoising wrapper and the definition agree', () => {
  it('on random estates, asset by asset', () => {
    fc.assert(
      fc.property(estate, ({ inputs, assets }) => {
        const memo = computeExposure(assets.map(affected), inputs);
        const plain = assets.map((a) => exposureFor(a, inputs));
        expect(memo).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });
});
