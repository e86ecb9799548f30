/**
 * Azure network security groups (ARM JSON: one NSG, an array of them, or `{"value": […]}`; rule fields under
 * `properties` or flattened as `az network nsg show` prints them) → one Filter per NSG, named by its `name`.
 * Inbound rules become one first-match chain: custom rules by priority, then the default rules (65000…).
 *
 * Service tags: only `*` (and `Any`, `0.0.0.0/0`) means every address. `Internet` is "outside the virtual
 * network", and `VirtualNetwork` / `AzureLoadBalancer` / other tags depend on address spaces this file does not
 * hold, so they stay unknown matches carrying the tag (UnknownMatch.ref) for a network description to map to zones.
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import type {
  AddressMatch,
  Filter,
  FilterBatch,
  FilterRule,
  PortMatch,
  RuleAction,
  RuleMatch,
  UnknownMatch,
} from '../model';
import { addressFamily } from './filter-address';
import { normalizeProtocol } from './filter-protocol';
import { filterSource } from './filter-source';

type JsonObject = Record<string, unknown>;

const NSG_TYPE = 'microsoft.network/networksecuritygroups';
const ANY_ADDRESS = new Set(['*', 'any', '0.0.0.0/0']);
const CUSTOM_PRIORITIES = { from: 100, to: 4096 };
const DEFAULT_PRIORITIES = { from: 65000, to: 65500 };

export const azureNsgFormat: FormatHandler<FilterBatch> = {
  format: 'azure-nsg',
  description: 'Azure network security groups (ARM / az JSON: one NSG, an array, or {"value": [...]})',
  detect(doc) {
    const json = doc.json;
    const items = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.value) ? json.value : [json];
    return items.length > 0 && items.every(isNsg);
  },
  parse(doc) {
    return { kind: 'filters', filters: parseAzureNsgs(doc) };
  },
};

export function parseAzureNsgs(doc: Pick<SniffedDocument, 'name' | 'json'>): Filter[] {
  const file = doc.name;
  const json = doc.json;
  const listed: [unknown, string][] = Array.isArray(json)
    ? json.map((nsg, i) => [nsg, pointer(i)])
    : isObject(json) && Array.isArray(json.value)
      ? json.value.map((nsg, i) => [nsg, pointer('value', i)])
      : [[json, '']];
  const names = new Set<string>();
  return listed.map(([nsg, at]) => {
    if (!isObject(nsg)) throw new InputError(file, 'a network security group must be an object', { pointer: at });
    const name = stringAt(file, nsg.name, `${at}/name`);
    if (names.has(name))
      throw new InputError(file, `network security group ${name} is listed twice`, { pointer: `${at}/name` });
    names.add(name);
    return readNsg(file, nsg, name, at);
  });
}

interface ReadRule {
  priority: number;
  isDefault: boolean;
  name: string;
  at: string;
  fields: JsonObject;
}

function readNsg(file: string, nsg: JsonObject, name: string, at: string): Filter {
  const flat = !isObject(nsg.properties);
  const holder = flat ? nsg : (nsg.properties as JsonObject);
  const holderAt = flat ? at : `${at}/properties`;
  const inbound: ReadRule[] = [];
  const warnings: string[] = [];
  for (const key of ['securityRules', 'defaultSecurityRules'] as const) {
    const rules = holder[key] ?? [];
    if (!Array.isArray(rules)) throw new InputError(file, `${key} must be an array`, { pointer: `${holderAt}/${key}` });
    const isDefault = key === 'defaultSecurityRules';
    rules.forEach((rule, i) => {
      const ruleAt = `${holderAt}/${key}/${i}`;
      if (!isObject(rule)) throw new InputError(file, 'a security rule must be an object', { pointer: ruleAt });
      const nested = isObject(rule.properties);
      const fields = nested ? (rule.properties as JsonObject) : rule;
      const fieldsAt = nested ? `${ruleAt}/properties` : ruleAt;
      const direction = stringAt(file, fields.direction, `${fieldsAt}/direction`);
      if (direction !== 'Inbound' && direction !== 'Outbound')
        throw new InputError(file, `direction "${direction}" is neither Inbound nor Outbound`, {
          pointer: `${fieldsAt}/direction`,
        });
      const priority = fields.priority;
      const allowed = isDefault ? DEFAULT_PRIORITIES : CUSTOM_PRIORITIES;
      if (
        typeof priority !== 'number' ||
        !Number.isInteger(priority) ||
        priority < allowed.from ||
        priority > allowed.to
      ) {
        throw new InputError(
          file,
          `priority ${JSON.stringify(priority)} is outside ${allowed.from}-${allowed.to}${isDefault ? ' (default rules)' : ''}`,
          { pointer: `${fieldsAt}/priority` },
        );
      }
      if (direction === 'Inbound')
        inbound.push({ priority, isDefault, name: stringAt(file, rule.name, `${ruleAt}/name`), at: fieldsAt, fields });
    });
  }
  const custom = inbound.filter((r) => !r.isDefault).sort((a, b) => a.priority - b.priority);
  custom.forEach((rule, i) => {
    const previous = custom[i - 1];
    if (previous && previous.priority === rule.priority)
      throw new InputError(
        file,
        `priority ${rule.priority} is used by both ${previous.name} and ${rule.name}; Azure requires distinct priorities per direction`,
        { pointer: `${rule.at}/priority` },
      );
  });
  const defaults = inbound.filter((r) => r.isDefault).sort((a, b) => a.priority - b.priority);
  if (defaults.length === 0)
    warnings.push(
      'no inbound default rules in the file: Azure always ends with AllowVnetInBound, AllowAzureLoadBalancerInBound and DenyAllInBound; only the final deny is assumed here',
    );

  const rules = [...custom, ...defaults].flatMap((rule, i) => readRule(file, rule, i + 1));
  for (const rule of rules)
    for (const unknown of rule.match.unknown)
      warnings.push(`${rule.label ?? rule.locator} (${rule.locator}): ${unknown.text}: ${unknown.why}`);
  return {
    name,
    kind: 'azure-nsg',
    families: ['ipv4', 'ipv6'],
    chains: [{ name: 'inbound', policy: 'drop', rules }],
    entryChains: { input: 'inbound' },
    warnings,
    source: filterSource('azure-nsg', file, at === '' ? undefined : at),
  };
}

/** One rule, or several when its source list mixes addresses and service tags (same number, same action). */
function readRule(file: string, rule: ReadRule, number: number): FilterRule[] {
  const { fields, at } = rule;
  const access = stringAt(file, fields.access, `${at}/access`);
  if (access !== 'Allow' && access !== 'Deny')
    throw new InputError(file, `access "${access}" is neither Allow nor Deny`, { pointer: `${at}/access` });
  const action: RuleAction = { kind: access === 'Allow' ? 'accept' : 'drop' };
  const protocolText = stringAt(file, fields.protocol, `${at}/protocol`);
  const protocol = normalizeProtocol(protocolText);
  const destinationPorts = ports(file, fields, 'destination', at);
  const sourcePorts = ports(file, fields, 'source', at);
  const destinations = prefixes(file, fields, 'destination', at);
  const sources = prefixes(file, fields, 'source', at);

  const base: RuleMatch = {
    ...(protocol ? { protocols: { values: [protocol], negate: false } } : {}),
    ...(destinationPorts ? { destinationPorts } : {}),
    ...(sourcePorts ? { sourcePorts } : {}),
    unknown: [],
  };
  const destinationChoices = destinations.choices;
  const sourceChoices = sources.choices;
  const text = `${rule.priority} ${access} ${protocolText} from ${sources.written} port ${portsWritten(fields, 'source')} to ${destinations.written} port ${portsWritten(fields, 'destination')}`;
  const out: FilterRule[] = [];
  for (const source of sourceChoices) {
    for (const destination of destinationChoices) {
      out.push({
        number,
        text,
        locator: at,
        label: rule.name,
        match: {
          ...base,
          ...('cidrs' in source ? { sources: source } : {}),
          ...('cidrs' in destination ? { destinations: destination } : {}),
          unknown: [...('why' in source ? [source] : []), ...('why' in destination ? [destination] : [])],
        },
        action,
      });
    }
  }
  return out;
}

type Choice = AddressMatch | UnknownMatch | { any: true };

/**
 * The alternatives a prefix list stands for: all CIDRs as one address match, and each service tag on its own
 * (an unknown match cannot be OR-ed with addresses inside one rule, so the rule is repeated per tag).
 */
function prefixes(
  file: string,
  fields: JsonObject,
  side: 'source' | 'destination',
  at: string,
): { choices: Choice[]; written: string } {
  const single = fields[`${side}AddressPrefix`];
  const many = fields[`${side}AddressPrefixes`] ?? [];
  const groups = fields[`${side}ApplicationSecurityGroups`] ?? [];
  if (!Array.isArray(many))
    throw new InputError(file, 'expected an array', { pointer: `${at}/${side}AddressPrefixes` });
  if (!Array.isArray(groups))
    throw new InputError(file, 'expected an array', { pointer: `${at}/${side}ApplicationSecurityGroups` });
  const values: [string, string][] = [
    ...(typeof single === 'string' && single !== ''
      ? [[single, `${at}/${side}AddressPrefix`] as [string, string]]
      : []),
    ...many.map((value, i): [string, string] => [
      stringAt(file, value, `${at}/${side}AddressPrefixes/${i}`),
      `${at}/${side}AddressPrefixes/${i}`,
    ]),
  ];
  const asgs = groups.map((group, i) =>
    isObject(group)
      ? stringAt(file, group.id, `${at}/${side}ApplicationSecurityGroups/${i}/id`)
      : stringAt(file, group, `${at}/${side}ApplicationSecurityGroups/${i}`),
  );
  if (values.length === 0 && asgs.length === 0)
    throw new InputError(file, `no ${side} address prefix`, { pointer: `${at}/${side}AddressPrefix` });
  if (values.some(([value]) => ANY_ADDRESS.has(value.toLowerCase()))) return { choices: [{ any: true }], written: '*' };

  const cidrs: string[] = [];
  const choices: Choice[] = [];
  for (const [value, where] of values) {
    if (/^[\d.:a-f]+(\/\d+)?$/i.test(value) && /[.:]/.test(value)) {
      try {
        addressFamily(value);
      } catch (error) {
        throw new InputError(file, (error as Error).message, { pointer: where });
      }
      cidrs.push(value);
    } else {
      choices.push({ text: `${side} ${value}`, why: tagWhy(value), ref: { kind: 'service-tag', id: value } });
    }
  }
  for (const id of asgs) {
    const short = id.split('/').pop() ?? id;
    choices.push({
      text: `${side} application security group ${short}`,
      why: 'the addresses of the NICs in an application security group are not in this file',
      ref: { kind: 'application-security-group', id },
    });
  }
  if (cidrs.length) choices.unshift({ cidrs, negate: false });
  return { choices, written: [...values.map(([v]) => v), ...asgs.map((id) => id.split('/').pop() ?? id)].join(',') };
}

function tagWhy(tag: string): string {
  if (tag === 'Internet')
    return 'service tag Internet means every address outside the virtual network; the virtual network address space is not in this file';
  if (tag === 'VirtualNetwork')
    return 'service tag VirtualNetwork means the virtual network address space and peered or connected networks, which are not in this file';
  if (tag === 'AzureLoadBalancer')
    return "service tag AzureLoadBalancer means Azure's health probe source (168.63.129.16), not load-balanced client traffic";
  return `service tag ${tag} stands for address ranges Azure publishes separately`;
}

function ports(file: string, fields: JsonObject, side: 'source' | 'destination', at: string): PortMatch | undefined {
  const written = portList(fields, side);
  if (written.length === 0 || written.some(([value]) => value === '*')) return undefined;
  return {
    ranges: written.map(([value, where]) => {
      const range = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
      const from = range ? Number(range[1]) : NaN;
      const to = range?.[2] !== undefined ? Number(range[2]) : from;
      if (!range || from > to || to > 65535)
        throw new InputError(file, `"${value}" is not a port, a port range like 1000-2000, or *`, {
          pointer: `${at}/${where}`,
        });
      return { from, to };
    }),
    negate: false,
  };
}

function portList(fields: JsonObject, side: 'source' | 'destination'): [string, string][] {
  const single = fields[`${side}PortRange`];
  const many = fields[`${side}PortRanges`];
  return [
    ...(typeof single === 'string' && single !== '' ? [[single, `${side}PortRange`] as [string, string]] : []),
    ...(Array.isArray(many) ? many.map((value, i): [string, string] => [String(value), `${side}PortRanges/${i}`]) : []),
  ];
}

function portsWritten(fields: JsonObject, side: 'source' | 'destination'): string {
  return (
    portList(fields, side)
      .map(([value]) => value)
      .join(',') || '*'
  );
}

function isNsg(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (typeof value.type === 'string' && value.type.toLowerCase() === NSG_TYPE) return true;
  const holder = isObject(value.properties) ? value.properties : value;
  return Array.isArray(holder.defaultSecurityRules) && Array.isArray(holder.securityRules);
}

function stringAt(file: string, value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InputError(file, 'expected a non-empty string', { pointer: at });
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
