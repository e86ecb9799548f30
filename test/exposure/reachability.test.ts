import { AddressSet, parseCidr } from '../../src/exposure/address-set';
import type { Filter } from '../../src/exposure/model';
import { evaluateFilter, type Traffic } from '../../src/exposure/reachability';
import { chain, filter } from './helpers/build-filters';

const ALL4 = AddressSet.allOf('ipv4');

function to(address: string, port = 445, extra: Partial<Traffic> = {}): Traffic {
  const { family, lo } = parseCidr(address);
  return { family, destination: lo, protocol: 'tcp', port, ...extra };
}

/** The accepted sources as CIDRs, and for each decision: its CIDRs → the deciding rule number or policy. */
function run(f: Filter, traffic: Traffic, sources: AddressSet = ALL4, entry = f.chains[0]!.name) {
  const v = evaluateFilter(f, entry, traffic, sources);
  return {
    accepted: v.accepted.toCidrs(),
    decided: v.decisions.map(
      (d) => `${d.verdict} ${d.sources.toCidrs().join(' ')} by ${d.rule ? `${d.chain}#${d.rule.number}` : d.policy}`,
    ),
    assumptions: v.decisions.flatMap((d) => d.assumptions),
  };
}

describe('evaluateFilter', () => {
  test('DROP policy with an ACCEPT for one subnet: only that subnet passes, the policy decides the rest', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { s: ['10.30.0.0/16'], d: ['10.20.1.21'], p: 'tcp', dports: [[445, 445]], j: 'ACCEPT' },
      ]),
    ]);
    const r = run(f, to('10.20.1.21'));
    expect(r.accepted).toEqual(['10.30.0.0/16']);
    expect(r.decided).toContain('accept 10.30.0.0/16 by FORWARD#1');
    expect(run(f, to('10.20.1.22')).accepted).toEqual([]);
    expect(run(f, to('10.20.1.21', 139)).accepted).toEqual([]);
  });

  test('a shadowed rule decides nothing: the earlier, wider ACCEPT wins for the whole range', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { s: ['10.0.0.0/8'], j: 'ACCEPT' },
        { s: ['10.1.0.0/16'], j: 'DROP' },
      ]),
    ]);
    const r = run(f, to('10.20.1.21'));
    expect(r.accepted).toEqual(['10.0.0.0/8']);
    expect(r.decided.some((d) => d.endsWith('FORWARD#2'))).toBe(false);
  });

  test('an earlier DROP carves a hole in a later ACCEPT', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { s: ['10.30.5.0/24'], j: 'DROP' },
        { s: ['10.30.0.0/16'], j: 'ACCEPT' },
      ]),
    ]);
    const r = run(f, to('10.20.1.21'));
    expect(
      AddressSet.fromCidrs(r.accepted).equals(
        AddressSet.fromCidrs(['10.30.0.0/16']).subtract(AddressSet.fromCidrs(['10.30.5.0/24'])),
      ),
    ).toBe(true);
    expect(r.decided).toContain('drop 10.30.5.0/24 by FORWARD#1');
  });

  test('negated source: "! -s 10.0.0.0/8 -j DROP" leaves only 10/8 to the ACCEPT policy', () => {
    const f = filter('edge', [
      chain('FORWARD', 'accept', [{ notS: ['10.0.0.0/8'], p: 'tcp', dports: [[445, 445]], j: 'DROP' }]),
    ]);
    expect(run(f, to('10.20.1.21')).accepted).toEqual(['10.0.0.0/8']);
    expect(run(f, to('10.20.1.21', 80)).accepted).toEqual(['0.0.0.0/0']);
  });

  test('negated destination and negated ports', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { notD: ['10.10.0.0/24'], j: 'ACCEPT' },
        {
          notDports: [
            [135, 139],
            [445, 445],
          ],
          j: 'ACCEPT',
        },
      ]),
    ]);
    expect(run(f, to('10.20.1.21')).accepted).toEqual(['0.0.0.0/0']);
    expect(run(f, to('10.10.0.11')).accepted).toEqual([]);
    expect(run(f, to('10.10.0.11', 80)).accepted).toEqual(['0.0.0.0/0']);
  });

  test('port ranges and multiport lists', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { s: ['192.0.2.0/24'], p: 'tcp', dports: [[135, 139]], j: 'ACCEPT' },
        {
          s: ['198.51.100.0/24'],
          p: '6',
          dports: [
            [80, 80],
            [443, 443],
            [445, 445],
          ],
          j: 'ACCEPT',
        },
        { s: ['203.0.113.0/24'], p: 'udp', dports: [[1, 65535]], j: 'ACCEPT' },
      ]),
    ]);
    expect(run(f, to('10.10.0.11', 139)).accepted).toEqual(['192.0.2.0/24']);
    expect(run(f, to('10.10.0.11', 445)).accepted).toEqual(['198.51.100.0/24']);
    expect(run(f, to('10.10.0.11', 140)).accepted).toEqual([]);
  });

  test('user chain with RETURN: returned sources continue after the jump', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { p: 'tcp', dports: [[445, 445]], j: 'jump SMB' },
        { s: ['10.0.0.0/8'], j: 'ACCEPT' },
      ]),
      chain('SMB', undefined, [
        { s: ['10.30.0.0/16'], j: 'RETURN' },
        { s: ['10.99.0.0/24'], j: 'ACCEPT' },
        { j: 'DROP' },
      ]),
    ]);
    const r = run(f, to('10.20.1.21'));
    expect(r.accepted).toEqual(['10.30.0.0/16', '10.99.0.0/24']);
    expect(r.decided).toContain('accept 10.30.0.0/16 by FORWARD#2');
    expect(r.decided).toContain('accept 10.99.0.0/24 by SMB#2');
    expect(r.decided.find((d) => d.startsWith('drop'))).toMatch(/by SMB#3$/);
  });

  test('a user chain that falls off its end returns; goto does not come back to the calling chain', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { s: ['10.30.0.0/16'], j: 'goto OFFICE' },
        { s: ['10.0.0.0/8'], j: 'jump LOGONLY' },
        { s: ['10.0.0.0/8'], j: 'ACCEPT' },
      ]),
      chain('OFFICE', undefined, [{ s: ['10.30.1.0/24'], j: 'ACCEPT' }]),
      chain('LOGONLY', undefined, [{ j: 'LOG' }]),
    ]);
    const r = run(f, to('10.20.1.21'));
    // the rest of office falls off OFFICE and, after a goto, reaches the policy instead of rule 3
    expect(
      AddressSet.fromCidrs(r.accepted).equals(
        AddressSet.fromCidrs(['10.0.0.0/8'])
          .subtract(AddressSet.fromCidrs(['10.30.0.0/16']))
          .union(AddressSet.fromCidrs(['10.30.1.0/24'])),
      ),
    ).toBe(true);
    expect(r.decided.find((d) => d.startsWith('drop'))).toMatch(/by policy DROP$/);
  });

  test('conntrack: ESTABLISHED,RELATED rules open nothing to a new connection; "! --ctstate NEW" neither', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { states: { values: ['ESTABLISHED', 'RELATED'], negate: false }, j: 'ACCEPT' },
        { states: { values: ['NEW'], negate: true }, j: 'ACCEPT' },
        { states: { values: ['NEW'], negate: false }, s: ['10.99.0.0/24'], j: 'ACCEPT' },
      ]),
    ]);
    const r = run(f, to('10.20.1.21'));
    expect(r.accepted).toEqual(['10.99.0.0/24']);
  });

  test('IPv6: an IPv4-only filter passes IPv6 and says so; an IPv6 rule decides IPv6 sources', () => {
    const v4 = filter('edge', [chain('FORWARD', 'drop', [])]);
    const r4 = run(v4, to('2001:db8:10::11'), AddressSet.allOf('ipv6'));
    expect(r4.accepted).toEqual(['::/0']);
    expect(r4.assumptions[0]).toMatch(/does not filter IPv6/);

    const v6 = filter(
      'edge6',
      [
        chain('FORWARD', 'drop', [
          {
            s: ['2001:db8:30::/48'],
            d: ['2001:db8:10::/64'],
            p: 'tcp',
            dports: [[445, 445]],
            j: 'ACCEPT',
            family: 'ipv6',
          },
        ]),
      ],
      { families: ['ipv6'] },
    );
    expect(run(v6, to('2001:db8:10::11'), AddressSet.ALL).accepted).toEqual(['2001:db8:30::/48']);
    expect(run(v6, to('2001:db8:20::11'), AddressSet.ALL).accepted).toEqual([]);
  });

  test('unknown matches: an ACCEPT is assumed to match, a DROP not to; both are reported', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        {
          s: ['192.0.2.0/24'],
          unknown: [{ text: '-m set --match-set blocklist src', why: 'ipset contents are not in the dump' }],
          j: 'DROP',
        },
        { s: ['192.0.2.0/24'], unknown: [{ text: '-m geoip --src-cc XX', why: 'unknown module' }], j: 'ACCEPT' },
      ]),
    ]);
    const r = run(f, to('10.10.0.11'));
    expect(r.accepted).toEqual(['192.0.2.0/24']);
    expect(r.assumptions.join('\n')).toMatch(/match-set blocklist.*assumed not to match/);
    expect(r.assumptions.join('\n')).toMatch(/geoip.*assumed to match/);
  });

  test('interfaces: decided when the description names them, an assumption otherwise', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [
        { inInterface: { name: 'eth0', negate: false }, j: 'DROP' },
        { inInterface: { name: 'eth+', negate: false }, j: 'ACCEPT' },
      ]),
    ]);
    expect(run(f, to('10.10.0.11', 445, { inInterface: 'eth0' })).accepted).toEqual([]);
    expect(run(f, to('10.10.0.11', 445, { inInterface: 'eth2' })).accepted).toEqual(['0.0.0.0/0']);
    const unknown = run(f, to('10.10.0.11'));
    expect(unknown.accepted).toEqual(['0.0.0.0/0']);
    expect(unknown.assumptions.join('\n')).toMatch(/-i eth0 cannot be decided.*assumed not to match/);
  });

  test('a source-port restriction matches only some connections: assumed to match an ACCEPT', () => {
    const f = filter('edge', [
      chain('FORWARD', 'drop', [{ sourcePorts: { ranges: [{ from: 1024, to: 65535 }], negate: false }, j: 'ACCEPT' }]),
    ]);
    const r = run(f, to('10.10.0.11'));
    expect(r.accepted).toEqual(['0.0.0.0/0']);
    expect(r.assumptions[0]).toMatch(/source ports/);
  });

  test('NSG rules in priority order: a deny at 100 beats an allow at 200, DenyAllInBound last', () => {
    const nsg = filter(
      'web-nsg',
      [
        chain('inbound', 'drop', [
          { label: 'DenySmbFromInternet', notS: ['10.0.0.0/8'], p: 'tcp', dports: [[445, 445]], j: 'DROP' },
          { label: 'AllowSmb', p: 'tcp', dports: [[445, 445]], j: 'ACCEPT' },
          { label: 'DenyAllInBound', j: 'DROP' },
        ]),
      ],
      { kind: 'azure-nsg' },
    );
    const r = run(nsg, to('10.10.0.11'));
    expect(r.accepted).toEqual(['10.0.0.0/8']);
    expect(r.decided.find((d) => d.startsWith('drop'))).toMatch(/by inbound#1$/);
  });

  test('a filter without the named chain is assumed open and says so', () => {
    const f = filter('edge', [chain('FORWARD', 'drop', [])]);
    const r = run(f, to('10.10.0.11'), ALL4, 'INPUT');
    expect(r.accepted).toEqual(['0.0.0.0/0']);
    expect(r.assumptions[0]).toMatch(/no chain "INPUT"/);
  });
});
