import { ExposureEngine, type ExposureInputs } from '../../src/exposure/compute-exposure';
import type { ExposureRules } from '../../src/exposure/exposure-rules';
import type { AssetExposure } from '../../src/exposure/model';
import { Topology } from '../../src/exposure/topology';
import { asset, chain, exposureRules, filter, guard, network } from './helpers/build-filters';

const ports = [{ protocol: 'tcp' as const, port: 445 }];

function reach(e: AssetExposure): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const z of e.ports[0]!.reachableFrom) out[z.zone] = [...(out[z.zone] ?? []), ...z.ranges];
  return out;
}

describe('nested zones: the most specific zone wins, as in routing', () => {
  // the office 10/8 behind the office edge; an Azure VNet 10.0.0.0/16 inside it behind its own NSG-like filter
  const officeEdge = filter('office-edge', [chain('FORWARD', 'drop', [{ s: ['10.0.0.0/8'], j: 'ACCEPT' }])]);
  const vnetFilter = filter('vnet-fw', [chain('FORWARD', 'drop', [{ s: ['10.0.0.0/8'], j: 'ACCEPT' }])]);
  const net = network({ office: ['10.0.0.0/8'], vnet: ['10.0.0.0/16'] }, [
    guard('office-edge', 'FORWARD', ['office']),
    guard('vnet-fw', 'FORWARD', ['vnet']),
  ]);
  const inputs: ExposureInputs = { filters: [officeEdge, vnetFilter], network: net, ports, rules: exposureRules };

  it('puts an address in the innermost zone, and each source range in one zone only', () => {
    const topology = new Topology(net, []);
    expect(topology.zoneOf('ipv4', 0x0a000105n)).toBe('vnet'); // 10.0.1.5
    expect(topology.zoneOf('ipv4', 0x0a050001n)).toBe('office'); // 10.5.0.1
    expect(topology.outerZones('vnet')).toEqual(['office']);
    expect(topology.outerZones('office')).toEqual([]);
    const office = topology.zones.find((z) => z.name === 'office')!.addresses;
    expect(office.contains('10.0.1.5')).toBe(false);
    expect(office.contains('10.1.0.1')).toBe(true);
  });

  it('a host in the VNet meets only the VNet guard, and the analysis names both zones', () => {
    const e = new ExposureEngine(inputs).assetExposure(asset('az-vm1', ['10.0.1.5']));
    expect(e.zone).toBe('vnet');
    expect(e.reasons).toContain('zone vnet lies inside office: the most specific zone wins, as in routing');
    const paths = e.ports[0]!.reachableFrom.concat(e.ports[0]!.blockedFrom).flatMap((z) => z.path);
    expect(new Set(paths.map((s) => s.filter))).toEqual(new Set(['vnet-fw', '(none)']));
    // the office reaches it from its own addresses (the VNet's are the VNet's, its own zone)
    expect(reach(e)).toEqual({
      vnet: ['10.0.0.0/16'],
      office: [
        '10.1.0.0/16',
        '10.2.0.0/15',
        '10.4.0.0/14',
        '10.8.0.0/13',
        '10.16.0.0/12',
        '10.32.0.0/11',
        '10.64.0.0/10',
        '10.128.0.0/9',
      ],
    });
    expect(e.systemExposure).toBe('controlled');
  });

  it('a host of the office outside the VNet meets the office guard, and is not said to be nested', () => {
    const e = new ExposureEngine(inputs).assetExposure(asset('desk1', ['10.5.0.1']));
    expect(e.zone).toBe('office');
    expect(e.reasons.join('\n')).not.toMatch(/lies inside/);
    expect(Object.keys(reach(e)).sort()).toEqual(['office', 'vnet']);
  });

  it('three levels: the innermost enclosing zone is named first', () => {
    const topology = new Topology(network({ lab: ['10.0.5.0/24'], office: ['10.0.0.0/8'], vnet: ['10.0.0.0/16'] }), []);
    expect(topology.zoneOf('ipv4', 0x0a000509n)).toBe('lab');
    expect(topology.outerZones('lab')).toEqual(['vnet', 'office']);
  });
});

describe('unzoned private space is unassigned-private, never the internet', () => {
  const net = network({ dmz: ['10.10.0.0/24'] }, [
    guard('edge', 'FORWARD', ['dmz'], { internet: 'eth0', dmz: 'eth1' }),
  ]);
  // the edge lets 445 in from eth0 (the internet side) only
  const edge = filter('edge', [
    chain('FORWARD', 'drop', [
      { p: 'tcp', dports: [[445, 445]], inInterface: { name: 'eth0', negate: false }, j: 'ACCEPT' },
    ]),
  ]);

  it('RFC 1918, RFC 6598 and ULA space outside every zone is its own zone; public space is the internet', () => {
    const topology = new Topology(net, []);
    const zoneOf = (ip: string) => {
      const z = topology.zones.find((zone) => zone.addresses.contains(ip));
      return z?.name;
    };
    for (const ip of [
      '10.99.1.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '100.127.255.255',
      'fd00::1',
      'fc00::1',
    ])
      expect([ip, zoneOf(ip)]).toEqual([ip, 'unassigned-private']);
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2001:db8::1'])
      expect([ip, zoneOf(ip)]).toEqual([ip, 'internet']);
    expect(zoneOf('10.10.0.5')).toBe('dmz');
  });

  it('reaching a port from unzoned private space never makes an asset open or publicly exposed', () => {
    const rules: ExposureRules = { ...exposureRules, otherZone: 'open', zones: { dmz: 'controlled' } };
    // only private sources get through: a host filter that accepts 445 from RFC 1918 space only
    const host = filter('web-host', [
      chain('INPUT', 'drop', [{ s: ['10.0.0.0/8', '192.168.0.0/16'], p: 'tcp', dports: [[445, 445]], j: 'ACCEPT' }]),
    ]);
    const inputs: ExposureInputs = {
      filters: [host],
      network: network(
        { dmz: ['10.10.0.0/24'] },
        [],
        [{ asset: 'web', filter: 'web-host', chain: 'INPUT', locator: '/hosts/0' }],
      ),
      ports,
      rules,
    };
    const e = new ExposureEngine(inputs).assetExposure(asset('web', ['10.10.0.7']));
    expect(Object.keys(reach(e)).sort()).toEqual(['dmz', 'unassigned-private']);
    expect(e.publiclyExposed).toBe(false);
    expect(e.systemExposure).toBe('controlled');
    expect(e.reasons[0]).toMatch(/unassigned-private → controlled \(unzoned private space is never open\)/);
    // it stays on the path and in the explanation
    expect(e.reasons.join('\n')).toMatch(
      /tcp\/445 reachable from unassigned-private \(10\.0\.0\.0\/13, .*\) through rule 1 of web-host INPUT/,
    );
  });

  it('arrives where the internet does on a guard that names no interface for it (the default route)', () => {
    const inputs: ExposureInputs = { filters: [edge], network: net, ports, rules: exposureRules };
    const e = new ExposureEngine(inputs).assetExposure(asset('web', ['10.10.0.7']));
    expect(Object.keys(reach(e)).sort()).toEqual(['dmz', 'internet', 'unassigned-private']);
    expect(e.warnings.join('\n')).not.toMatch(/unassigned-private.*interface/);
    expect(e.publiclyExposed).toBe(true);
  });

  it('an asset whose own address is unzoned private space is in zone unassigned-private, and says so', () => {
    const inputs: ExposureInputs = { filters: [], network: net, ports, rules: exposureRules };
    const e = new ExposureEngine(inputs).assetExposure(asset('stray', ['192.168.7.7']));
    expect(e.zone).toBe('unassigned-private');
    expect(e.warnings.join('\n')).toMatch(
      /192\.168\.7\.7 lies in no zone of the network description but in private space: zone unassigned-private, not the internet/,
    );
    // other private hosts are no neighbourhood: their level is the table's, not the own-zone "small"
    expect(e.reasons[0]).toMatch(/^System Exposure open: .*internet → open/);
    expect(e.publiclyExposed).toBe(true);
  });
});
