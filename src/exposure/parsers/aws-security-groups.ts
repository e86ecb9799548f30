/**
 * `aws ec2 describe-security-groups` → one Filter per group, named by GroupId. A group only allows, and
 * allows the union of its permissions: a first-match chain of ACCEPT rules ending in a DROP policy says exactly
 * that. Egress permissions do not bear on inbound reachability and are not read.
 */
import { InputError } from '../../common/errors';
import { quoteValue } from '../../common/input-limits';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import type { AddressFamily, Filter, FilterBatch, FilterRule, RuleMatch } from '../model';
import { addressFamily } from './filter-address';
import { normalizeProtocol } from './filter-protocol';
import { filterSource } from './filter-source';

type JsonObject = Record<string, unknown>;

const PORTED = new Set(['tcp', 'udp']);
const ICMP = new Set(['icmp', 'ipv6-icmp']);

export const awsSecurityGroupsFormat: FormatHandler<FilterBatch> = {
  format: 'aws-security-groups',
  description: 'AWS security groups (`aws ec2 describe-security-groups` JSON); one filter per GroupId',
  detect(doc) {
    return isObject(doc.json) && Array.isArray(doc.json.SecurityGroups);
  },
  parse(doc) {
    return { kind: 'filters', filters: parseSecurityGroups(doc) };
  },
};

export function parseSecurityGroups(doc: Pick<SniffedDocument, 'name' | 'json'>): Filter[] {
  const file = doc.name;
  const root = doc.json;
  if (!isObject(root) || !Array.isArray(root.SecurityGroups))
    throw new InputError(file, 'no "SecurityGroups" array: not `aws ec2 describe-security-groups` output', {
      pointer: '',
    });
  const seen = new Set<string>();
  return root.SecurityGroups.map((group, g) => {
    const at = pointer('SecurityGroups', g);
    if (!isObject(group)) throw new InputError(file, 'a security group must be an object', { pointer: at });
    const groupId = stringAt(file, group.GroupId, `${at}/GroupId`);
    if (seen.has(groupId))
      throw new InputError(file, `security group ${groupId} is listed twice`, { pointer: `${at}/GroupId` });
    seen.add(groupId);
    const permissions = group.IpPermissions ?? [];
    if (!Array.isArray(permissions))
      throw new InputError(file, 'IpPermissions must be an array', { pointer: `${at}/IpPermissions` });
    const rules = permissions.flatMap((permission, p) =>
      readPermission(file, groupId, permission, `${at}/IpPermissions/${p}`),
    );
    rules.forEach((rule, i) => (rule.number = i + 1));
    const warnings = rules.flatMap((rule) => rule.match.unknown.map((u) => `${rule.locator}: ${u.text}: ${u.why}`));
    const groupName = typeof group.GroupName === 'string' ? group.GroupName : undefined;
    const vpc = typeof group.VpcId === 'string' ? ` in ${group.VpcId}` : '';
    return {
      name: groupId,
      ...(groupName ? { label: `${groupName}${vpc}` } : {}),
      kind: 'aws-security-group',
      families: ['ipv4', 'ipv6'],
      chains: [{ name: 'inbound', policy: 'drop', rules }],
      entryChains: { input: 'inbound' },
      warnings,
      source: filterSource('aws-security-groups', file, at),
    } satisfies Filter;
  });
}

function readPermission(file: string, groupId: string, permission: unknown, at: string): FilterRule[] {
  if (!isObject(permission)) throw new InputError(file, 'a permission must be an object', { pointer: at });
  const { base, what } = permissionTraffic(file, permission, at);
  const rules: FilterRule[] = [];
  const add = (
    suffix: string,
    source: string,
    extra: Partial<RuleMatch>,
    family: AddressFamily | undefined,
    description: unknown,
  ): void => {
    const label = typeof description === 'string' && description !== '' ? description : undefined;
    rules.push({
      number: 0,
      text: `allow ${what} from ${source}`,
      locator: `${at}/${suffix}`,
      ...(label ? { label } : {}),
      ...(family ? { family } : {}),
      match: { ...base, ...extra, unknown: [...base.unknown, ...(extra.unknown ?? [])] },
      action: { kind: 'accept' },
    });
  };

  list(file, permission.IpRanges, `${at}/IpRanges`).forEach((range, r) => {
    const cidr = cidrAt(file, range.CidrIp, 'ipv4', `${at}/IpRanges/${r}/CidrIp`);
    add(`IpRanges/${r}`, cidr, { sources: { cidrs: [cidr], negate: false } }, 'ipv4', range.Description);
  });
  list(file, permission.Ipv6Ranges, `${at}/Ipv6Ranges`).forEach((range, r) => {
    const cidr = cidrAt(file, range.CidrIpv6, 'ipv6', `${at}/Ipv6Ranges/${r}/CidrIpv6`);
    add(`Ipv6Ranges/${r}`, cidr, { sources: { cidrs: [cidr], negate: false } }, 'ipv6', range.Description);
  });
  list(file, permission.PrefixListIds, `${at}/PrefixListIds`).forEach((entry, r) => {
    const id = stringAt(file, entry.PrefixListId, `${at}/PrefixListIds/${r}/PrefixListId`);
    add(
      `PrefixListIds/${r}`,
      `prefix list ${id}`,
      {
        unknown: [
          {
            text: `source prefix list ${id}`,
            why: 'managed prefix list contents are not in describe-security-groups output (see describe-managed-prefix-lists)',
            ref: { kind: 'prefix-list', id },
          },
        ],
      },
      undefined,
      entry.Description,
    );
  });
  list(file, permission.UserIdGroupPairs, `${at}/UserIdGroupPairs`).forEach((pair, r) => {
    const id = stringAt(file, pair.GroupId, `${at}/UserIdGroupPairs/${r}/GroupId`);
    const self = id === groupId ? ' (this group itself)' : '';
    const peering =
      typeof pair.VpcPeeringConnectionId === 'string' ? ` via peering ${pair.VpcPeeringConnectionId}` : '';
    add(
      `UserIdGroupPairs/${r}`,
      `security group ${id}${self}${peering}`,
      {
        unknown: [
          {
            text: `source security group ${id}${self}`,
            why: 'the source is every network interface in that group; their addresses are not in this file',
            ref: { kind: 'security-group', id },
          },
        ],
      },
      undefined,
      pair.Description,
    );
  });
  return rules;
}

/** The protocol and ports a permission allows, as the match every one of its sources shares, and in words. */
function permissionTraffic(file: string, permission: JsonObject, at: string): { base: RuleMatch; what: string } {
  const rawProtocol = permission.IpProtocol;
  if (typeof rawProtocol !== 'string' && typeof rawProtocol !== 'number')
    throw new InputError(file, 'IpProtocol is missing', { pointer: `${at}/IpProtocol` });
  const protocol = normalizeProtocol(String(rawProtocol));
  const base: RuleMatch = { unknown: [] };
  let what = protocol ?? 'all traffic';
  if (protocol !== undefined) base.protocols = { values: [protocol], negate: false };
  if (protocol !== undefined && PORTED.has(protocol)) {
    const from = port(file, permission.FromPort, `${at}/FromPort`);
    const to = port(file, permission.ToPort, `${at}/ToPort`);
    if (from > to) throw new InputError(file, `FromPort ${from} is above ToPort ${to}`, { pointer: `${at}/FromPort` });
    base.destinationPorts = { ranges: [{ from, to }], negate: false };
    what = `${protocol} ${from === to ? from : `${from}-${to}`}`;
  } else if (protocol !== undefined && ICMP.has(protocol) && (permission.FromPort ?? -1) !== -1) {
    const codes = `type ${String(permission.FromPort)} code ${String(permission.ToPort ?? -1)}`;
    base.unknown.push({ text: `${protocol} ${codes}`, why: 'ICMP types are not modelled' });
    what = `${protocol} ${codes}`;
  }
  return { base, what };
}

function list(file: string, value: unknown, at: string): JsonObject[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(file, 'expected an array', { pointer: at });
  return value.map((item, i) => {
    if (!isObject(item)) throw new InputError(file, 'expected an object', { pointer: `${at}/${i}` });
    return item;
  });
}

function cidrAt(file: string, value: unknown, family: AddressFamily, at: string): string {
  const cidr = stringAt(file, value, at);
  let found: AddressFamily;
  try {
    found = addressFamily(cidr);
  } catch (error) {
    throw new InputError(file, (error as Error).message, { pointer: at });
  }
  if (!cidr.includes('/') || found !== family)
    throw new InputError(file, `"${cidr}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR`, { pointer: at });
  return cidr;
}

function port(file: string, value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535)
    throw new InputError(file, `expected a port number 0-65535, found ${quoteValue(value)}`, { pointer: at });
  return value;
}

function stringAt(file: string, value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InputError(file, 'expected a non-empty string', { pointer: at });
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
