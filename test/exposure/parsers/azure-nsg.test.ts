import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors';
import { azureNsgFormat, parseAzureNsgs } from '../../../src/exposure/parsers/azure-nsg';

const DIR = join(__dirname, '../../fixtures/cloud/azure');
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

function refusal(json: unknown): string {
  try {
    parseAzureNsgs({ name: 'nsg.json', json });
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('Azure NSG (batfish cloud-azure)', () => {
  it('orders inbound rules by priority, the default rules last, and ignores outbound rules', () => {
    const [nsg] = parseAzureNsgs({ name: 'subnet-nsg.json', json: read('subnet-nsg.json') });
    expect(nsg).toMatchObject({
      name: 'subnet-nsg',
      kind: 'azure-nsg',
      families: ['ipv4', 'ipv6'],
      entryChains: { input: 'inbound' },
    });
    const rules = nsg!.chains[0]!.rules;
    expect(rules.map((r) => [r.number, r.label, r.action.kind])).toEqual([
      [1, 'AllowCidrBlockSSHInbound', 'accept'],
      [2, 'DenyCidrBlockCustomAnyInbound', 'drop'],
      [3, 'AllowVnetInBound', 'accept'],
      [4, 'AllowAzureLoadBalancerInBound', 'accept'],
      [5, 'DenyAllInBound', 'drop'],
    ]);
    expect(rules[0]).toMatchObject({
      text: '100 Allow TCP from 10.0.0.0/24 port * to * port 22-23,80,8080',
      locator: '/properties/securityRules/0/properties',
      match: {
        protocols: { values: ['tcp'], negate: false },
        sources: { cidrs: ['10.0.0.0/24'], negate: false },
        destinationPorts: {
          ranges: [
            { from: 22, to: 23 },
            { from: 80, to: 80 },
            { from: 8080, to: 8080 },
          ],
          negate: false,
        },
        unknown: [],
      },
    });
    expect(rules[1]!.match).toEqual({ unknown: [] });
  });

  it('keeps service tags as unknown matches that name the tag', () => {
    const [nsg] = parseAzureNsgs({ name: 'VM2-nsg.json', json: read('VM2-nsg.json') });
    const [vnet, lb, deny] = nsg!.chains[0]!.rules;
    expect(vnet!.match.unknown.map((u) => [u.text, u.ref])).toEqual([
      ['source VirtualNetwork', { kind: 'service-tag', id: 'VirtualNetwork' }],
      ['destination VirtualNetwork', { kind: 'service-tag', id: 'VirtualNetwork' }],
    ]);
    expect(lb!.match.unknown[0]!.why).toMatch(/health probe/);
    expect(deny).toMatchObject({
      number: 3,
      label: 'DenyAllInBound',
      match: { unknown: [] },
      action: { kind: 'drop' },
    });
    expect(nsg!.warnings).toHaveLength(3);
  });

  it('reads plural port lists and the "UDP" spelling', () => {
    const [nsg] = parseAzureNsgs({ name: 'VM1-nsg.json', json: read('VM1-nsg.json') });
    const rules = nsg!.chains[0]!.rules;
    expect(rules.map((r) => r.label)).toEqual([
      'SSH',
      'AllowAnyCustomAnyInbound',
      'DenyAnyCustomAnyInbound',
      'AllowVnetInBound',
      'AllowAzureLoadBalancerInBound',
      'DenyAllInBound',
    ]);
    expect(rules[0]!.match.destinationPorts).toEqual({
      ranges: [
        { from: 22, to: 22 },
        { from: 8080, to: 8080 },
      ],
      negate: false,
    });
    expect(rules[1]!.match.protocols).toEqual({ values: ['udp'], negate: false });
  });

  it('accepts an array and {"value": [...]}, flattened rules, and splits mixed address/tag lists', () => {
    const flat = {
      name: 'flat-nsg',
      type: 'Microsoft.Network/networkSecurityGroups',
      securityRules: [
        {
          name: 'smb',
          priority: 200,
          direction: 'Inbound',
          access: 'Deny',
          protocol: 'Tcp',
          sourceAddressPrefixes: ['10.0.0.0/8', 'Internet'],
          destinationAddressPrefix: '*',
          destinationPortRange: '445',
          sourcePortRange: '*',
        },
        {
          name: 'web',
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: '*',
          sourceAddressPrefix: 'Internet',
          destinationAddressPrefix: '10.1.0.4',
          destinationPortRanges: ['80', '443'],
        },
      ],
      defaultSecurityRules: [],
    };
    const fromArray = parseAzureNsgs({ name: 'a.json', json: [flat] });
    const fromValue = parseAzureNsgs({ name: 'v.json', json: { value: [flat] } });
    expect(fromValue[0]!.chains[0]!.rules.map((r) => r.locator)).toEqual([
      '/value/0/securityRules/1',
      '/value/0/securityRules/0',
      '/value/0/securityRules/0',
    ]);
    const rules = fromArray[0]!.chains[0]!.rules;
    expect(rules.map((r) => [r.number, r.label, r.locator])).toEqual([
      [1, 'web', '/0/securityRules/1'],
      [2, 'smb', '/0/securityRules/0'],
      [2, 'smb', '/0/securityRules/0'],
    ]);
    expect(rules[1]!.match).toMatchObject({ sources: { cidrs: ['10.0.0.0/8'], negate: false }, unknown: [] });
    expect(rules[2]!.match.unknown[0]).toMatchObject({
      text: 'source Internet',
      ref: { kind: 'service-tag', id: 'Internet' },
    });
    expect(rules[0]!.match.destinations).toEqual({ cidrs: ['10.1.0.4'], negate: false });
    expect(fromArray[0]!.warnings[0]).toMatch(/no inbound default rules/);
    expect(azureNsgFormat.detect({ name: 'v.json', text: '', json: { value: [flat] } })).toBe(true);
    expect(azureNsgFormat.detect({ name: 'x', text: '', json: { name: 'not an nsg' } })).toBe(false);
  });
});

describe('Azure NSG: bad input names the JSON pointer', () => {
  const nsg = read('subnet-nsg.json');
  const withRule = (change: (rule: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(nsg) as { properties: { securityRules: { properties: Record<string, unknown> }[] } };
    change(copy.properties.securityRules[1]!.properties);
    return copy;
  };

  it('refuses a priority out of range', () => {
    expect(refusal(withRule((r) => (r.priority = 5000)))).toBe(
      'nsg.json (at /properties/securityRules/1/properties/priority): priority 5000 is outside 100-4096',
    );
  });

  it('refuses two rules with one priority, a bad port range and a bad CIDR', () => {
    expect(refusal(withRule((r) => (r.priority = 100)))).toMatch(
      /priority 100 is used by both AllowCidrBlockSSHInbound and DenyCidrBlockCustomAnyInbound/,
    );
    expect(refusal(withRule((r) => (r.destinationPortRange = '2000-1000')))).toBe(
      'nsg.json (at /properties/securityRules/1/properties/destinationPortRange): "2000-1000" is not a port, a port range like 1000-2000, or *',
    );
    expect(refusal(withRule((r) => (r.sourceAddressPrefix = '10.0.0.0/40')))).toMatch(
      /\(at \/properties\/securityRules\/1\/properties\/sourceAddressPrefix\): "10\.0\.0\.0\/40" is not an IPv4 or IPv6 address/,
    );
  });
});
