import { networkFormats } from '../../src/exposure/network-formats';
import type { SniffedDocument } from '../../src/common/format-handler';

const handler = networkFormats[0]!;
const yamlDoc = (text: string): SniffedDocument => ({ name: 'net.yaml', text });

const good = `kind: patchcall/network
zones:
  dmz: [10.10.0.0/24, "2001:db8:10::/64"]
  servers: { cidrs: [10.20.0.0/16], description: internal }
guards:
  - { filter: edge, chain: FORWARD, zones: [dmz, servers], interfaces: { internet: eth0, dmz: eth1 } }
hosts:
  - { asset: db01, filter: db01-host, chain: INPUT }
`;

describe('network description format', () => {
  test('reads zones, guards and host filters, from YAML and JSON alike', () => {
    expect(handler.detect(yamlDoc(good))).toBe(true);
    const { network } = handler.parse(yamlDoc(good));
    expect(network.zones.map((z) => [z.name, z.cidrs])).toEqual([
      ['dmz', ['10.10.0.0/24', '2001:db8:10::/64']],
      ['servers', ['10.20.0.0/16']],
    ]);
    expect(network.guards[0]).toMatchObject({
      filter: 'edge',
      chain: 'FORWARD',
      interfaces: { internet: 'eth0', dmz: 'eth1' },
    });
    expect(network.hosts[0]).toMatchObject({ asset: 'db01', filter: 'db01-host', chain: 'INPUT' });
    const json = { kind: 'patchcall/network', zones: { dmz: ['10.10.0.0/24'] } };
    const doc = { name: 'net.json', text: JSON.stringify(json), json };
    expect(handler.detect(doc)).toBe(true);
    expect(handler.parse(doc).network.guards).toEqual([]);
    expect(handler.detect(yamlDoc('kind: patchcall/bulletin\n'))).toBe(false);
  });

  test.each([
    [
      'a bad CIDR, by pointer',
      'kind: patchcall/network\nzones:\n  dmz: [10.10.0.0/24, 10.10.0.300/24]\n',
      /net\.yaml \(at \/zones\/dmz\/1\): zone "dmz": "10\.10\.0\.300\/24" is not/,
    ],
    [
      'a guard naming an undefined zone',
      'kind: patchcall/network\nzones:\n  dmz: [10.10.0.0/24]\nguards:\n  - { filter: edge, chain: FORWARD, zones: [dmz, lab] }\n',
      /\(at \/guards\/0\/zones\/1\): guard of filter "edge" names zone "lab"/,
    ],
    [
      'a definition of the internet zone',
      'kind: patchcall/network\nzones:\n  internet: [0.0.0.0/0]\n',
      /zone "internet" is every public address outside/,
    ],
    [
      'a definition of the unassigned private zone',
      'kind: patchcall/network\nzones:\n  unassigned-private: [10.0.0.0/8]\n',
      /\(at \/zones\/unassigned-private\): zone "unassigned-private" is every private address outside/,
    ],
    [
      'zones that overlap without one lying inside the other, IPv6',
      'kind: patchcall/network\nzones:\n  a: ["2001:db8::/32"]\n  b: ["2001:db8:1::/48", "2001:db9::/32"]\n',
      /zones "a" and "b" overlap in 2001:db8:1::\/48 without one lying inside the other/,
    ],
    [
      'two zones with the same addresses',
      'kind: patchcall/network\nzones:\n  a: [10.0.0.0/8]\n  b: [10.0.0.0/9, 10.128.0.0/9]\n',
      /zones "a" and "b" hold the same addresses/,
    ],
    [
      'an unknown key',
      'kind: patchcall/network\nzones:\n  dmz: [10.10.0.0/24]\nrouters: []\n',
      /unexpected property "routers"/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => handler.parse(yamlDoc(text))).toThrow(message);
  });

  test('accepts a zone inside another (an Azure VNet inside the office 10/8), and a guard interface for unzoned private space', () => {
    const text =
      'kind: patchcall/network\nzones:\n  office: [10.0.0.0/8]\n  azure: [10.0.0.0/16]\n  lab: [10.0.5.0/24]\n' +
      'guards:\n  - { filter: edge, chain: FORWARD, zones: [office], interfaces: { internet: eth0, unassigned-private: eth9 } }\n';
    const { network } = handler.parse(yamlDoc(text));
    expect(network.zones.map((z) => z.name)).toEqual(['office', 'azure', 'lab']);
    expect(network.guards[0]!.interfaces).toEqual({ internet: 'eth0', 'unassigned-private': 'eth9' });
  });
});
