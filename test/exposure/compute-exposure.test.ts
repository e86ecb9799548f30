import { computeExposure, ExposureEngine, type ExposureInputs } from '../../src/exposure/compute-exposure';
import { exposureFor } from '../../src/exposure/exposure-for';
import { vulnerablePorts, readServicePorts, readExposureRules } from '../../src/exposure/exposure-rules';
import type { AssetExposure } from '../../src/exposure/model';
import type { Bulletin } from '../../src/bulletins/model';
import servicePortsJson from '../../rules/service-ports.json';
import exposureJson from '../../rules/exposure.json';
import {
  affected,
  asset,
  chain,
  exposureRules,
  filter,
  guard,
  network,
  securityGroup,
  service,
} from './helpers/build-filters';
import { seedAssets, seedFilters, seedNetwork } from './helpers/seed-estate';
import { shippedNames } from '../helpers/shipped-rules';

const ports = [
  { protocol: 'tcp' as const, port: 139 },
  { protocol: 'tcp' as const, port: 445 },
];
const inputs: ExposureInputs = { filters: seedFilters, network: seedNetwork, ports, rules: exposureRules };

function zonesReaching(e: AssetExposure, port: number): string[] {
  return [...new Set(e.ports.find((p) => p.port === port)!.reachableFrom.map((z) => z.zone))].sort();
}

function exposureOf(a: ReturnType<typeof asset>, over: Partial<ExposureInputs> = {}): AssetExposure {
  return new ExposureEngine({ ...inputs, ...over }).assetExposure(a);
}

describe('exposure of the seed estate (hand-built filters)', () => {
  test('web01 is open: the legacy DMZ_IN rule forwards 445 to it from anywhere', () => {
    const e = exposureOf(seedAssets.web01);
    expect(e.zone).toBe('dmz');
    expect(e.systemExposure).toBe('open');
    expect(e.publiclyExposed).toBe(true);
    expect(zonesReaching(e, 445)).toEqual([
      'cloud',
      'dmz',
      'internet',
      'management',
      'office',
      'servers',
      'staging',
      'unassigned-private',
    ]);
    const internet = e.ports.find((p) => p.port === 445)!.reachableFrom.filter((z) => z.zone === 'internet');
    expect(internet).toHaveLength(1);
    expect(internet[0]!.path).toEqual([
      expect.objectContaining({
        filter: 'edge',
        chain: 'DMZ_IN',
        verdict: 'accept',
        rule: expect.objectContaining({ number: 1, locator: '27' }),
      }),
    ]);
    // IPv4 internet only: IPv6 from the internet is dropped by the ip6tables policy
    expect(internet[0]!.ranges.every((r) => !r.includes(':'))).toBe(true);
    expect(e.reasons.join('\n')).toMatch(
      /tcp\/445 reachable from the internet \(.*\) through rule 1 of edge DMZ_IN \(line 27/,
    );
    expect(e.reasons[0]).toMatch(/^System Exposure open: .*internet → open/);
  });

  test('web02 is small: 445 only from management (MGMT chain) and its own zone', () => {
    const e = exposureOf(seedAssets.web02);
    expect(zonesReaching(e, 445)).toEqual(['dmz', 'management']);
    expect(e.systemExposure).toBe('small');
    expect(e.publiclyExposed).toBe(false);
    const office = e.ports.find((p) => p.port === 445)!.blockedFrom.find((z) => z.zone === 'office')!;
    expect(office.path[0]).toEqual(
      expect.objectContaining({ verdict: 'drop', chain: 'DMZ_IN', rule: expect.objectContaining({ number: 5 }) }),
    );
  });

  test('fs01 is controlled: office passes edge and core; management passes edge but not core', () => {
    const e = exposureOf(seedAssets.fs01);
    expect(zonesReaching(e, 445)).toEqual(['office', 'servers']);
    expect(e.systemExposure).toBe('controlled');
    const office = e.ports.find((p) => p.port === 445)!.reachableFrom.find((z) => z.zone === 'office')!;
    expect(office.ranges).toEqual(['10.30.0.0/16']);
    expect(office.path.map((s) => `${s.filter} ${s.chain} #${s.rule?.number}`)).toEqual([
      'edge FORWARD #5',
      'core forward #3',
    ]);
    const management = e.ports.find((p) => p.port === 445)!.blockedFrom.find((z) => z.zone === 'management')!;
    expect(management.path.map((s) => `${s.filter}:${s.verdict}:${s.policy ?? s.rule?.number}`)).toEqual([
      'edge:accept:1',
      'core:drop:policy DROP',
    ]);
    // within its own zone only host filters apply, and it has none
    const own = e.ports.find((p) => p.port === 445)!.reachableFrom.find((z) => z.zone === 'servers')!;
    expect(own.path[0]!.policy).toBe('no filter on the path');
    expect(e.warnings.join('\n')).toMatch(/no filter stands between zone servers/);
  });

  test('stage01 is small: only management and staging reach it', () => {
    const e = exposureOf(seedAssets.stage01);
    expect(zonesReaching(e, 445)).toEqual(['management', 'staging']);
    expect(e.systemExposure).toBe('small');
  });

  test('cloud-app01 is controlled: its security group lets only the office reach 445; 443 to the world is irrelevant', () => {
    const e = exposureOf(seedAssets.cloudApp01);
    expect(e.zone).toBe('cloud');
    expect(zonesReaching(e, 445)).toEqual(['office']);
    expect(zonesReaching(e, 139)).toEqual([]);
    expect(e.systemExposure).toBe('controlled');
    expect(e.publiclyExposed).toBe(false);
  });

  test('interfaces from the description decide -i: the internet is not logged as office', () => {
    const e = exposureOf(seedAssets.fs01);
    expect(e.warnings.join('\n')).not.toMatch(/cannot be decided/);
  });
});

describe('exposure on other topologies', () => {
  test('a host firewall stricter than the edge narrows web01 to management', () => {
    const host = filter('web01-host', [
      chain('INPUT', 'drop', [
        {
          s: ['10.99.0.0/24'],
          p: 'tcp',
          dports: [
            [139, 139],
            [445, 445],
          ],
          j: 'ACCEPT',
        },
      ]),
    ]);
    const net = {
      ...seedNetwork,
      hosts: [{ asset: 'web01', filter: 'web01-host', chain: 'INPUT', locator: '/hosts/0' }],
    };
    const e = exposureOf(asset('web01', ['10.10.0.11']), { filters: [...seedFilters, host], network: net });
    expect(zonesReaching(e, 445)).toEqual(['management']);
    expect(e.systemExposure).toBe('small');
    const internet = e.ports.find((p) => p.port === 445)!.blockedFrom.find((z) => z.zone === 'internet')!;
    expect(internet.path.map((s) => `${s.filter}:${s.verdict}`)).toEqual(['edge:accept', 'web01-host:drop']);
  });

  test('security groups: the union of two groups, each range naming the group that allowed it', () => {
    const second = securityGroup('sg-0smbadmin', [
      { p: 'tcp', ports: [139, 445], cidrs: ['10.99.0.0/24', '10.30.5.0/24'] },
    ]);
    const a = asset('cloud-app01', ['172.31.5.10'], { securityGroupIds: ['sg-0cloudapp01', 'sg-0smbadmin'] });
    const e = exposureOf(a, { filters: [...seedFilters, second] });
    expect(zonesReaching(e, 445)).toEqual(['management', 'office']);
    expect(zonesReaching(e, 139)).toEqual(['management', 'office']);
    const office445 = e.ports.find((p) => p.port === 445)!.reachableFrom.filter((z) => z.zone === 'office');
    expect(office445.map((z) => `${z.ranges.join(' ')} via ${z.path[0]!.filter}`)).toEqual([
      '10.30.0.0/16 via sg-0cloudapp01',
    ]);
    const office139 = e.ports.find((p) => p.port === 139)!.reachableFrom.filter((z) => z.zone === 'office');
    expect(office139.map((z) => `${z.ranges.join(' ')} via ${z.path[0]!.filter}`)).toEqual([
      '10.30.5.0/24 via sg-0smbadmin',
    ]);
  });

  test('a port the scan saw closed is not reachable whatever the rules; filtered is a warning, not safety', () => {
    const a = asset('web01', ['10.10.0.11'], { services: [service(445, 'closed'), service(139, 'filtered')] });
    const e = exposureOf(a);
    const p445 = e.ports.find((p) => p.port === 445)!;
    expect(p445.scanState).toBe('closed');
    expect(p445.reachableFrom).toEqual([]);
    expect(e.reasons.join('\n')).toMatch(/tcp\/445 is closed in the scan.*would let .*internet/);
    expect(zonesReaching(e, 139)).toContain('internet');
    expect(e.warnings.join('\n')).toMatch(/tcp\/139 was seen "filtered".*not safe/);
    expect(e.systemExposure).toBe('open');
  });

  test('a guard naming a filter that was not imported is assumed open, and said so', () => {
    const net = network({ dmz: ['10.10.0.0/24'] }, [guard('ghost', 'FORWARD', ['dmz'])]);
    const e = exposureOf(asset('web09', ['10.10.0.9']), { filters: [], network: net });
    expect(zonesReaching(e, 445)).toEqual(['dmz', 'internet', 'unassigned-private']);
    expect(e.warnings.join('\n')).toMatch(/"ghost" is named by the network description but not imported/);
  });

  test('without a network description every address is in no zone and only its own filters apply', () => {
    const e = exposureOf(asset('lonely', ['192.0.2.7']), { network: undefined });
    expect(e.zone).toBe('no zone');
    expect(zonesReaching(e, 445)).toEqual(['internet', 'unassigned-private']);
    expect(e.systemExposure).toBe('open');
    expect(e.warnings.join('\n')).toMatch(
      /192\.0\.2\.7 lies in no zone of the network description \(none is imported\)/,
    );
  });

  test('no address: reachability unknown, exposure from the "unknown" entry of rules/exposure.json', () => {
    const e = exposureOf(asset('ghost', []));
    expect(e.systemExposure).toBe('open');
    expect(e.warnings).toContain('no IP address in the inventory: reachability unknown');
  });

  test('assets with equal signatures share the computation but keep their own names', () => {
    const [a, b] = computeExposure(
      [
        affected(asset('w1', ['10.10.0.50'])),
        affected(asset('w2', ['10.10.0.51'])),
        { ...affected(asset('x', ['10.10.0.52'])), status: 'patched' },
      ],
      inputs,
    );
    expect([a!.assetName, b!.assetName]).toEqual(['w1', 'w2']);
    expect(a!.ports).toBe(b!.ports);
  });
});

describe('rules tables', () => {
  const bulletin = (vulnerable: { protocol: 'tcp'; port: number }[], title = 'Vulnerability in Server Service') =>
    ({
      id: 'MS08-067',
      title: { value: title, source: { format: 'manual', document: 'x' } },
      cves: ['CVE-2008-4250'],
      descriptions: [],
      vulnerablePorts: vulnerable,
      products: [
        {
          name: 'Windows Server 2003 Service Pack 2',
          status: 'affected',
          cves: [],
          source: { format: 'manual', document: 'x' },
        },
      ],
    }) as unknown as Bulletin;

  test('ports come from the bulletin, else from rules/service-ports.json', () => {
    const table = readServicePorts(servicePortsJson, 'rules/service-ports.json');
    const names = shippedNames();
    expect(
      vulnerablePorts(bulletin([{ protocol: 'tcp', port: 445 }]), table, { products: [], matches: [], names }),
    ).toEqual({
      ports: [{ protocol: 'tcp', port: 445 }],
      source: 'bulletin MS08-067',
    });
    const windows = { products: ['o:microsoft:windows_server_2003'], matches: [], names };
    const derived = vulnerablePorts(bulletin([]), table, windows);
    expect(derived.ports).toEqual(ports);
    expect(derived.source).toMatch(/service-ports\.json \(Windows Server service/);
    // a Windows product alone is no SMB bulletin (an Adobe Flash update on Windows is not)
    const flash = vulnerablePorts(bulletin([], 'Security update for Adobe Flash Player'), table, {
      products: ['a:adobe:flash_player', 'o:microsoft:windows_10'],
      matches: [],
      names,
    });
    expect(flash).toEqual({
      ports: [],
      source: expect.stringMatching(/^ports unknown: exposure assumed to be the host's/),
    });
  });

  test('the exposure table is validated', () => {
    expect(readExposureRules(exposureJson, 'rules/exposure.json').zones.internet).toBe('open');
    expect(() => readExposureRules({ ...exposureJson, ownZone: 'tiny' }, 'rules/exposure.json')).toThrow(
      /rules\/exposure.json \(at \/ownZone\)/,
    );
  });
});

describe('the memo keys a hop by its value', () => {
  test('filter "fw:x" chain "IN" and filter "fw" chain "x:IN" are two hops, not one', () => {
    const open = [{ p: 'tcp', dports: [[445, 445]] as [number, number][], j: 'ACCEPT' as const }];
    const filters = [filter('fw:x', [chain('IN', 'drop', open)]), filter('fw', [chain('x:IN', 'drop', [])])];
    const net = network({ dmz: ['10.1.0.0/16'], lan: ['10.2.0.0/16'] }, [
      guard('fw:x', 'IN', ['dmz']),
      guard('fw', 'x:IN', ['lan']),
    ]);
    const over = { filters, network: net, ports: [{ protocol: 'tcp' as const, port: 445 }] };
    const assets = [asset('web', ['10.1.0.5']), asset('db', ['10.2.0.5'])];
    const memoised = computeExposure(assets.map(affected), { ...inputs, ...over });
    expect(memoised).toEqual(assets.map((a) => exposureFor(a, { ...inputs, ...over })));
    expect(memoised.map((e) => zonesReaching(e, 445).includes('internet'))).toEqual([true, false]);
  });
});
