/**
 * The organization-editable tables exposure reads: rules/exposure.json (zone → SSVC System Exposure) and
 * rules/service-ports.json (which ports a product's vulnerable service listens on when a bulletin names none).
 */
import type { Bulletin, PortSpec } from '../bulletins/model';
import { InputError } from '../common/errors';
import { pointer } from '../common/json-pointer';
import { assertValid, createValidator } from '../common/json-schema';
import type { AssetExposure } from './model';

export type ExposureLevel = AssetExposure['systemExposure'];

export interface ExposureRules {
  /** Level when the asset's own zone reaches the port. */
  ownZone: ExposureLevel;
  /** Level per source zone (other than the asset's own). */
  zones: Record<string, ExposureLevel>;
  /** Level for a reaching zone the table does not list. */
  otherZone: ExposureLevel;
  /** Level when reachability cannot be worked out (no address, no known port). */
  unknown: ExposureLevel;
}

export interface ServicePorts {
  services: { service: string; productPattern: string; ports: string[] }[];
}

const LEVEL = { enum: ['small', 'controlled', 'open'] };
const exposureSchema = {
  type: 'object',
  required: ['ownZone', 'zones', 'otherZone', 'unknown'],
  properties: {
    ownZone: LEVEL,
    zones: { type: 'object', additionalProperties: LEVEL },
    otherZone: LEVEL,
    unknown: LEVEL,
  },
};
const PORT_TEXT = '^(tcp|udp)/([0-9]{1,5})$';
const servicePortsSchema = {
  type: 'object',
  required: ['services'],
  properties: {
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['service', 'productPattern', 'ports'],
        properties: {
          service: { type: 'string' },
          productPattern: { type: 'string', minLength: 1 },
          ports: { type: 'array', minItems: 1, items: { type: 'string', pattern: PORT_TEXT } },
        },
      },
    },
  },
};

export function readExposureRules(value: unknown, file: string): ExposureRules {
  return assertValid<ExposureRules>(createValidator(exposureSchema), value, file, 'exposure mapping');
}

export function readServicePorts(value: unknown, file: string): ServicePorts {
  const table = assertValid<ServicePorts>(createValidator(servicePortsSchema), value, file, 'service port table');
  table.services.forEach((entry, i) => {
    try {
      new RegExp(entry.productPattern, 'i');
    } catch (error) {
      throw new InputError(file, `productPattern is not a regular expression: ${(error as Error).message}`, {
        pointer: pointer('services', i, 'productPattern'),
      });
    }
  });
  return table;
}

export const LEVEL_ORDER: Record<ExposureLevel, number> = { small: 0, controlled: 1, open: 2 };

/** The bulletin's own ports, else those of every service whose product pattern matches an affected product. */
export function vulnerablePorts(bulletin: Bulletin, table: ServicePorts): { ports: PortSpec[]; source: string } {
  if (bulletin.vulnerablePorts.length) return { ports: bulletin.vulnerablePorts, source: `bulletin ${bulletin.id}` };
  const products = bulletin.products.filter((p) => p.status === 'affected').map((p) => `${p.name} ${p.cpe ?? ''}`);
  const services = table.services.filter((s) => products.some((p) => new RegExp(s.productPattern, 'i').test(p)));
  const seen = new Set<string>();
  const ports: PortSpec[] = [];
  for (const text of services.flatMap((s) => s.ports)) {
    if (seen.has(text)) continue;
    seen.add(text);
    const [protocol, port] = text.split('/') as ['tcp' | 'udp', string];
    ports.push({ protocol, port: Number(port) });
  }
  const source = services.length
    ? `rules/service-ports.json (${services.map((s) => s.service).join(', ')})`
    : 'none known';
  return { ports, source };
}
