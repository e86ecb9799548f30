import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors';
import { awsSecurityGroupsFormat, parseSecurityGroups } from '../../../src/exposure/parsers/aws-security-groups';
import type { Filter } from '../../../src/exposure/model';

const FILE = join(__dirname, '../../fixtures/cloud/aws/SecurityGroups.json');
const json = JSON.parse(readFileSync(FILE, 'utf8'));

function group(filters: Filter[], id: string): Filter {
  const found = filters.find((f) => f.name === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
}

function refusal(doc: unknown): string {
  try {
    parseSecurityGroups({ name: 'sg.json', json: doc });
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('AWS describe-security-groups (batfish hybrid-cloud account)', () => {
  const filters = parseSecurityGroups({ name: FILE, json });

  it('gives one allow-only filter per group, named by GroupId, labelled by GroupName', () => {
    expect(filters).toHaveLength(11);
    expect(group(filters, 'sg-331ad04e')).toMatchObject({
      label: 'Arista Demo in vpc-b390fad5',
      kind: 'aws-security-group',
      families: ['ipv4', 'ipv6'],
      entryChains: { input: 'inbound' },
      source: { format: 'aws-security-groups', locator: '/SecurityGroups/0' },
    });
    for (const filter of filters) {
      expect(filter.chains).toHaveLength(1);
      expect(filter.chains[0]!.policy).toBe('drop');
      expect(filter.chains[0]!.rules.every((r) => r.action.kind === 'accept')).toBe(true);
    }
  });

  it('reads "-1" as every protocol and port, one rule per range', () => {
    const [all, ...ssh] = group(filters, 'sg-331ad04e').chains[0]!.rules;
    expect(all).toEqual({
      number: 1,
      text: 'allow all traffic from 192.168.0.0/16',
      locator: '/SecurityGroups/0/IpPermissions/0/IpRanges/0',
      label: 'ALL traffic within the VPC',
      family: 'ipv4',
      match: { sources: { cidrs: ['192.168.0.0/16'], negate: false }, unknown: [] },
      action: { kind: 'accept' },
    });
    expect(ssh.slice(0, 5).map((r) => [r.number, r.match.sources?.cidrs[0], r.match.destinationPorts])).toEqual([
      [2, '38.140.26.4/32', { ranges: [{ from: 22, to: 22 }], negate: false }],
      [3, '38.140.26.5/32', { ranges: [{ from: 22, to: 22 }], negate: false }],
      [4, '38.140.26.6/32', { ranges: [{ from: 22, to: 22 }], negate: false }],
      [5, '38.140.26.7/32', { ranges: [{ from: 22, to: 22 }], negate: false }],
      [6, '0.0.0.0/0', { ranges: [{ from: 22, to: 22 }], negate: false }],
    ]);
    expect(ssh[5]).toMatchObject({
      text: 'allow icmp from 38.140.26.0/24',
      match: { protocols: { values: ['icmp'], negate: false }, unknown: [] },
    });
  });

  it('reads IPv6 ranges', () => {
    const rules = group(filters, 'sg-94df21e9').chains[0]!.rules;
    expect(rules.filter((r) => r.family === 'ipv6').map((r) => [r.text, r.match.sources])).toEqual([
      ['allow tcp 80 from ::/0', { cidrs: ['::/0'], negate: false }],
      ['allow tcp 443 from ::/0', { cidrs: ['::/0'], negate: false }],
    ]);
  });

  it('flags security-group sources, including a group that references itself', () => {
    const rds = group(filters, 'sg-55510831').chains[0]!.rules;
    expect(rds[5]).toMatchObject({
      text: 'allow tcp 3306 from security group sg-cf3f86b3',
      label: 'jump host',
      match: {
        destinationPorts: { ranges: [{ from: 3306, to: 3306 }] },
        unknown: [{ text: 'source security group sg-cf3f86b3', ref: { kind: 'security-group', id: 'sg-cf3f86b3' } }],
      },
    });
    expect(rds[5]!.match.sources).toBeUndefined();
    const self = group(filters, 'sg-eed02393');
    expect(self.chains[0]!.rules[0]!.match.unknown[0]!.text).toBe(
      'source security group sg-eed02393 (this group itself)',
    );
    expect(self.warnings[0]).toMatch(
      /^\/SecurityGroups\/10\/IpPermissions\/0\/UserIdGroupPairs\/0: source security group sg-eed02393/,
    );
  });

  it('is detected by its SecurityGroups key', () => {
    expect(awsSecurityGroupsFormat.detect({ name: FILE, text: '', json })).toBe(true);
    expect(awsSecurityGroupsFormat.detect({ name: 'x', text: '', json: { Reservations: [] } })).toBe(false);
  });
});

describe('AWS security groups: bad input names the JSON pointer', () => {
  const withPermission = (permission: object): unknown => ({
    SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [permission] }],
  });

  it('refuses a bad CIDR', () => {
    expect(
      refusal(withPermission({ IpProtocol: 'tcp', FromPort: 445, ToPort: 445, IpRanges: [{ CidrIp: '10.0.0.0/33' }] })),
    ).toBe(
      'sg.json (at /SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp): "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR',
    );
    expect(
      refusal(
        withPermission({ IpProtocol: 'tcp', FromPort: 445, ToPort: 445, Ipv6Ranges: [{ CidrIpv6: '10.0.0.0/8' }] }),
      ),
    ).toBe('sg.json (at /SecurityGroups/0/IpPermissions/0/Ipv6Ranges/0/CidrIpv6): "10.0.0.0/8" is not an IPv6 CIDR');
  });

  it('refuses missing or inverted ports and a group without an id', () => {
    expect(refusal(withPermission({ IpProtocol: 'tcp', ToPort: 445 }))).toMatch(
      /\(at \/SecurityGroups\/0\/IpPermissions\/0\/FromPort\): expected a port number/,
    );
    expect(refusal(withPermission({ IpProtocol: 'udp', FromPort: 139, ToPort: 137 }))).toMatch(
      /FromPort 139 is above ToPort 137/,
    );
    expect(refusal({ SecurityGroups: [{ GroupName: 'x' }] })).toBe(
      'sg.json (at /SecurityGroups/0/GroupId): expected a non-empty string',
    );
  });

  it('keeps prefix lists as unknown sources', () => {
    const [filter] = parseSecurityGroups({
      name: 'sg.json',
      json: withPermission({
        IpProtocol: '6',
        FromPort: 445,
        ToPort: 445,
        PrefixListIds: [{ PrefixListId: 'pl-123' }],
      }),
    });
    expect(filter!.chains[0]!.rules[0]!.match).toMatchObject({
      protocols: { values: ['tcp'] },
      unknown: [{ text: 'source prefix list pl-123', ref: { kind: 'prefix-list', id: 'pl-123' } }],
    });
  });
});
