/**
 * The seed estate (db/seed/README.md) built by hand: the filters db/seed/edge.iptables-save, edge.ip6tables-save,
 * core.nft.json and aws-security-groups.json hold, as the firewall parsers should produce them, rule by rule.
 */
import type { Filter } from '../../../src/exposure/model';
import { asset, chain, filter, guard, network, securityGroup } from './build-filters';

const smb: [number, number][] = [
  [139, 139],
  [445, 445],
];
const web: [number, number][] = [
  [80, 80],
  [443, 443],
];
const est = { states: { values: ['RELATED', 'ESTABLISHED'], negate: false } };

export const edge: Filter = filter('edge', [
  chain(
    'FORWARD',
    'drop',
    [
      { ...est, j: 'ACCEPT' },
      { states: { values: ['INVALID'], negate: false }, j: 'DROP' },
      { s: ['10.99.0.0/24'], inInterface: { name: 'eth5', negate: false }, j: 'jump MGMT' },
      { d: ['10.10.0.0/24'], outInterface: { name: 'eth1', negate: false }, j: 'jump DMZ_IN' },
      {
        s: ['10.30.0.0/16'],
        d: ['10.20.0.0/16'],
        inInterface: { name: 'eth3', negate: false },
        outInterface: { name: 'eth2', negate: false },
        p: 'tcp',
        dports: smb,
        j: 'ACCEPT',
      },
      {
        s: ['10.30.0.0/16'],
        d: ['10.40.0.0/24'],
        inInterface: { name: 'eth3', negate: false },
        outInterface: { name: 'eth4', negate: false },
        p: 'tcp',
        dports: [[3389, 3389]],
        j: 'ACCEPT',
      },
      {
        inInterface: { name: 'eth0', negate: false },
        p: 'tcp',
        dports: [
          [135, 139],
          [445, 445],
        ],
        j: 'LOG',
      },
    ],
    20,
  ),
  chain(
    'DMZ_IN',
    undefined,
    [
      { d: ['10.10.0.11/32'], p: 'tcp', dports: [...web, [445, 445]], j: 'ACCEPT' },
      { d: ['10.10.0.11/32'], p: 'tcp', dports: [[139, 139]], j: 'ACCEPT' },
      { d: ['10.10.0.12/32'], p: 'tcp', dports: web, j: 'ACCEPT' },
      { s: ['10.30.0.0/16'], inInterface: { name: 'eth3', negate: false }, p: 'tcp', dports: web, j: 'ACCEPT' },
      {
        p: 'tcp',
        dports: [
          [135, 139],
          [445, 445],
        ],
        j: 'DROP',
      },
    ],
    27,
  ),
  chain('MGMT', undefined, [{ j: 'ACCEPT' }], 32),
]);

export const edge6: Filter = filter(
  'edge',
  [
    chain(
      'FORWARD',
      'drop',
      [
        { ...est, j: 'ACCEPT' },
        { p: 'ipv6-icmp', j: 'ACCEPT' },
        { d: ['2001:db8:10::/64'], p: 'tcp', dports: web, j: 'ACCEPT' },
        { s: ['2001:db8:30::/48'], d: ['2001:db8:20::/48'], p: 'tcp', dports: smb, j: 'ACCEPT' },
      ],
      7,
    ),
  ],
  { families: ['ipv6'] },
);

export const core: Filter = filter(
  'core',
  [
    chain('forward', 'drop', [
      { ...est, j: 'ACCEPT' },
      { states: { values: ['INVALID'], negate: false }, j: 'DROP' },
      { s: ['10.20.0.0/16', '10.30.0.0/16'], d: ['10.20.1.21', '10.20.1.22'], p: 'tcp', dports: smb, j: 'ACCEPT' },
      {
        s: ['10.99.0.0/24'],
        p: 'tcp',
        dports: [
          [22, 22],
          [3389, 3389],
        ],
        j: 'ACCEPT',
      },
      { s: ['10.20.0.0/16', '10.30.0.0/16'], d: ['10.20.1.0/24'], p: 'tcp', dports: [[1433, 1434]], j: 'ACCEPT' },
    ]),
  ],
  { kind: 'nftables', families: ['ipv4', 'ipv6'] },
);

export const sgCloudApp = securityGroup('sg-0cloudapp01', [
  { p: 'tcp', ports: [443, 443], cidrs: ['0.0.0.0/0'] },
  { p: 'tcp', ports: [445, 445], cidrs: ['10.30.0.0/16'] },
]);
export const sgCloudAdmin = securityGroup('sg-0cloudadmin01', [
  { p: 'tcp', ports: [3389, 3389], cidrs: ['10.99.0.0/24'] },
]);

export const seedFilters: Filter[] = [edge, edge6, core, sgCloudApp, sgCloudAdmin];

export const seedNetwork = network(
  {
    dmz: ['10.10.0.0/24', '2001:db8:10::/64'],
    servers: ['10.20.0.0/16', '2001:db8:20::/48'],
    office: ['10.30.0.0/16', '2001:db8:30::/48'],
    staging: ['10.40.0.0/24'],
    management: ['10.99.0.0/24'],
    cloud: ['172.31.0.0/16'],
  },
  [
    guard('edge', 'FORWARD', ['dmz', 'servers', 'office', 'staging', 'management'], {
      internet: 'eth0',
      dmz: 'eth1',
      servers: 'eth2',
      office: 'eth3',
      staging: 'eth4',
      management: 'eth5',
      cloud: 'eth0',
    }),
    guard('core', 'forward', ['servers']),
  ],
);

export const seedAssets = {
  web01: asset('web01', ['10.10.0.11', '2001:db8:10::11']),
  web02: asset('web02', ['10.10.0.12']),
  fs01: asset('fs01', ['10.20.1.21']),
  stage01: asset('stage01', ['10.40.0.5']),
  cloudApp01: asset('cloud-app01', ['172.31.5.10'], { securityGroupIds: ['sg-0cloudapp01'] }),
};
