/**
 * Reads a `kind: patchcall/network` document (YAML or JSON) into a NetworkDescription, refusing bad CIDRs,
 * zones that overlap without one lying inside the other, and references to undefined zones. The format is documented in ../network-formats.ts.
 */
import { InputError } from '../../common/errors';
import type { SniffedDocument } from '../../common/format-handler';
import { assertValid, createValidator } from '../../common/json-schema';
import { pointer } from '../../common/json-pointer';
import { parseYamlText } from '../../common/parse-yaml';
import { AddressSet } from '../address-set';
import {
  INTERNET_ZONE,
  UNASSIGNED_PRIVATE_ZONE,
  type NetworkDescription,
  type NetworkZone,
  type ZoneGuard,
  type HostGuard,
} from '../network-model';

export const NETWORK_KIND = 'patchcall/network';

const NAME = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' };
const schema = {
  type: 'object',
  required: ['kind', 'zones'],
  additionalProperties: false,
  properties: {
    kind: { const: NETWORK_KIND, expected: `"${NETWORK_KIND}"` },
    description: { type: 'string' },
    zones: {
      type: 'object',
      minProperties: 1,
      propertyNames: NAME,
      additionalProperties: {
        expected: 'a list of CIDRs, or { cidrs, description }',
        examples: [['10.0.0.0/8']],
        oneOf: [
          { type: 'array', items: { type: 'string' } },
          {
            type: 'object',
            required: ['cidrs'],
            additionalProperties: false,
            properties: { cidrs: { type: 'array', items: { type: 'string' } }, description: { type: 'string' } },
          },
        ],
      },
    },
    guards: {
      type: 'array',
      expected: 'a list of { filter, chain, zones }',
      examples: [[{ filter: 'edge', chain: 'FORWARD', zones: ['dmz'] }]],
      items: {
        type: 'object',
        expected: 'a guard { filter, chain, zones, interfaces?, assumeOpen? }',
        examples: [{ filter: 'edge', chain: 'FORWARD', zones: ['dmz', 'servers'] }],
        required: ['filter', 'chain', 'zones'],
        additionalProperties: false,
        properties: {
          filter: NAME,
          chain: { type: 'string', minLength: 1 },
          zones: {
            type: 'array',
            minItems: 1,
            items: NAME,
            expected: 'a non-empty list of zone names',
            examples: [['dmz', 'servers']],
          },
          interfaces: { type: 'object', propertyNames: NAME, additionalProperties: { type: 'string', minLength: 1 } },
          assumeOpen: { type: 'boolean', expected: 'true or false' },
        },
      },
    },
    hosts: {
      type: 'array',
      expected: 'a list of { asset, filter, chain }',
      examples: [[{ asset: 'db01', filter: 'db01-host', chain: 'INPUT' }]],
      items: {
        type: 'object',
        expected: 'a host firewall { asset, filter, chain, assumeOpen? }',
        examples: [{ asset: 'db01', filter: 'db01-host', chain: 'INPUT' }],
        required: ['asset', 'filter', 'chain'],
        additionalProperties: false,
        properties: {
          asset: { type: 'string', minLength: 1 },
          filter: NAME,
          chain: { type: 'string', minLength: 1 },
          assumeOpen: { type: 'boolean', expected: 'true or false' },
        },
      },
    },
  },
};

let validate: ReturnType<typeof createValidator> | undefined;

interface RawNetwork {
  zones: Record<string, string[] | { cidrs: string[]; description?: string }>;
  guards?: {
    filter: string;
    chain: string;
    zones: string[];
    interfaces?: Record<string, string>;
    assumeOpen?: boolean;
  }[];
  hosts?: { asset: string; filter: string; chain: string; assumeOpen?: boolean }[];
}

export function isNetworkDocument(doc: SniffedDocument): boolean {
  if (doc.json !== undefined)
    return typeof doc.json === 'object' && doc.json !== null && (doc.json as { kind?: unknown }).kind === NETWORK_KIND;
  return new RegExp(`^kind:\\s*["']?${NETWORK_KIND}["']?\\s*(#.*)?$`, 'm').test(doc.text);
}

export function parseNetworkDescription(doc: SniffedDocument): NetworkDescription {
  const value = doc.json !== undefined ? doc.json : parseYamlText(doc.name, doc.text);
  validate ??= createValidator(schema);
  const raw = assertValid<RawNetwork>(validate, value, doc.name, 'network description');

  const zones = Object.entries(raw.zones).map(([name, entry]): NetworkZone => {
    const at = pointer('zones', name);
    if (name === INTERNET_ZONE || name === UNASSIGNED_PRIVATE_ZONE)
      throw new InputError(
        doc.name,
        `zone "${name}" is every ${name === INTERNET_ZONE ? 'public' : 'private'} address outside the other zones and cannot be defined`,
        { pointer: at },
      );
    const cidrs = Array.isArray(entry) ? entry : entry.cidrs;
    const description = Array.isArray(entry) ? undefined : entry.description;
    if (cidrs.length === 0) throw new InputError(doc.name, `zone "${name}" has no CIDRs`, { pointer: at });
    cidrs.forEach((cidr, j) => {
      try {
        AddressSet.fromCidrs([cidr]);
      } catch (error) {
        throw new InputError(doc.name, `zone "${name}": ${(error as Error).message}`, {
          pointer: Array.isArray(entry) ? pointer('zones', name, j) : pointer('zones', name, 'cidrs', j),
        });
      }
    });
    return { name, cidrs, ...(description ? { description } : {}), locator: at };
  });
  rejectOverlaps(doc.name, zones);

  const known = new Set([...zones.map((z) => z.name), INTERNET_ZONE, UNASSIGNED_PRIVATE_ZONE]);
  const guards = (raw.guards ?? []).map((g, i): ZoneGuard => {
    g.zones.forEach((zone, j) => {
      if (!known.has(zone))
        throw new InputError(doc.name, `guard of filter "${g.filter}" names zone "${zone}", which is not defined`, {
          pointer: pointer('guards', i, 'zones', j),
        });
    });
    for (const zone of Object.keys(g.interfaces ?? {})) {
      if (!known.has(zone))
        throw new InputError(doc.name, `interfaces of filter "${g.filter}" name zone "${zone}", which is not defined`, {
          pointer: pointer('guards', i, 'interfaces', zone),
        });
    }
    return {
      filter: g.filter,
      chain: g.chain,
      zones: g.zones,
      interfaces: g.interfaces ?? {},
      ...(g.assumeOpen ? { assumeOpen: true } : {}),
      locator: pointer('guards', i),
    };
  });
  const hosts = (raw.hosts ?? []).map((h, i): HostGuard => ({
    asset: h.asset,
    filter: h.filter,
    chain: h.chain,
    ...(h.assumeOpen ? { assumeOpen: true } : {}),
    locator: pointer('hosts', i),
  }));
  return { document: doc.name, zones, guards, hosts };
}

/** Zones may nest (the most specific wins); any other overlap, or two zones with the same addresses, is refused. */
function rejectOverlaps(file: string, zones: NetworkZone[]): void {
  const sets = zones.map((z) => AddressSet.fromCidrs(z.cidrs));
  for (let i = 0; i < zones.length; i++) {
    for (let j = 0; j < i; j++) {
      const overlap = sets[i]!.intersect(sets[j]!);
      if (overlap.isEmpty()) continue;
      const [a, b] = [zones[j]!.name, zones[i]!.name];
      if (sets[i]!.equals(sets[j]!))
        throw new InputError(
          file,
          `zones "${a}" and "${b}" hold the same addresses: an address needs one most specific zone`,
          {
            pointer: zones[i]!.locator,
          },
        );
      if (overlap.equals(sets[i]!) || overlap.equals(sets[j]!)) continue;
      const cidrs = overlap.toCidrs();
      throw new InputError(
        file,
        `zones "${a}" and "${b}" overlap in ${cidrs.slice(0, 4).join(', ')}${cidrs.length > 4 ? ', …' : ''} without one lying inside the other: an address must have one most specific zone`,
        { pointer: zones[i]!.locator },
      );
    }
  }
}
