/**
 * The organization-editable tables exposure reads: rules/exposure.json (zone → SSVC System Exposure) and
 * rules/service-ports.json (which ports a product's vulnerable service listens on when a bulletin names none).
 */
import type { Bulletin, PortSpec } from '../bulletins/model';
import { InputError } from '../common/errors';
import { pointer } from '../common/json-pointer';
import { assertValid, createValidator } from '../common/json-schema';
import type { AssetMatch, ObservedService } from '../inventory/model';
import { identityOfPrefix, type NameTable } from '../inventory/name-table';
import exposureSchema from '../../rules/schemas/exposure.schema.json';
import servicePortsSchema from '../../rules/schemas/service-ports.schema.json';
import type { AssetExposure } from './model';
import { usualPortsOf, type UsualPorts } from './usual-ports';

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
  services: {
    service: string;
    /** CPE part:vendor:product prefixes of the bulletin's affected products. */
    products?: string[];
    /** A regular expression over the bulletin's title and descriptions: the vulnerable component. */
    component?: string;
    cves?: string[];
    ports: string[];
  }[];
}

// the schemas the rules folder checks these files against: one definition of each file's shape
const validateExposureRules = createValidator(exposureSchema);
const validateServicePorts = createValidator(servicePortsSchema);

export function readExposureRules(value: unknown, file: string): ExposureRules {
  return assertValid<ExposureRules>(validateExposureRules, value, file, 'exposure mapping');
}

export function readServicePorts(value: unknown, file: string): ServicePorts {
  const table = assertValid<ServicePorts>(validateServicePorts, value, file, 'service port table');
  table.services.forEach((entry, i) => {
    if (entry.component === undefined) return;
    try {
      new RegExp(entry.component, 'i');
    } catch (error) {
      throw new InputError(file, `component is not a regular expression: ${(error as Error).message}`, {
        pointer: pointer('services', i, 'component'),
      });
    }
  });
  return table;
}

export const LEVEL_ORDER: Record<ExposureLevel, number> = { small: 0, controlled: 1, open: 2 };

/**
 * Where the vulnerable ports come from, in order: the bulletin itself; a row of rules/service-ports.json for one of
 * its CVEs, else for one of its affected products and component; the affected assets' own listening services of an
 * affected product (nmap -sV); the ports the product's service usually listens on (rules/usual-ports.json, `usual`).
 * Otherwise none, and the source says exposure falls back to the host's: every port a scan saw it listen on, else
 * any port (assumed-ports.ts).
 */
export function vulnerablePorts(
  bulletin: Bulletin,
  table: ServicePorts,
  evidence: { products: string[]; matches: AssetMatch[]; names: NameTable; usual?: UsualPorts },
): { ports: PortSpec[]; source: string; usual?: boolean } {
  if (bulletin.vulnerablePorts.length) return { ports: bulletin.vulnerablePorts, source: `bulletin ${bulletin.id}` };
  const products = evidence.products;
  const text = [bulletin.title?.value ?? '', ...bulletin.descriptions.map((d) => d.text)].join('\n');
  const byCve = table.services.filter((s) => s.cves?.some((cve) => bulletin.cves.includes(cve)));
  const byProduct = table.services.filter(
    (s) =>
      s.products?.some((prefix) => products.some((p) => p === prefix || p.startsWith(prefix))) &&
      (!s.component || new RegExp(s.component, 'i').test(text)),
  );
  const services = byCve.length ? byCve : byProduct;
  if (services.length)
    return {
      ports: uniquePorts(services.flatMap((s) => s.ports)),
      source: `rules/service-ports.json (${services.map((s) => s.service).join(', ')})`,
    };
  const names = evidence.names;
  const ofProduct = (service: ObservedService): boolean => {
    const cpe = service.product ? names.normalizeProduct(service.product).cpe : undefined;
    return !!cpe && products.includes(identityOfPrefix(cpe));
  };
  const listening = evidence.matches
    .filter((m) => m.status === 'affected')
    .flatMap((m) => m.asset.services.filter((s) => s.state === 'open' && ofProduct(s)));
  if (listening.length)
    return {
      ports: uniquePorts(listening.map((s) => `${s.protocol}/${s.port}`)),
      source: `the affected assets' own services of the affected product (nmap -sV: ${[...new Set(listening.map((s) => `${s.product ?? s.name ?? '?'} on ${s.protocol}/${s.port}`))].join(', ')})`,
    };
  const usual = evidence.usual && usualPortsOf(products, evidence.usual);
  if (usual) return { ...usual, usual: true };
  return {
    ports: [],
    source:
      "ports unknown: exposure assumed to be the host's (the bulletin names none, and neither rules/service-ports.json nor rules/usual-ports.json has a row for its products): every port a scan saw the host listen on, else any port",
  };
}

function uniquePorts(texts: string[]): PortSpec[] {
  return [...new Set(texts)].map((text) => {
    const [protocol, port] = text.split('/') as ['tcp' | 'udp', string];
    return { protocol, port: Number(port) };
  });
}
