/**
 * rules/usual-ports.json: the ports a product's service usually listens on (by CPE part:vendor:product), each row
 * with where its ports come from. The last evidence for a bulletin's ports, after the bulletin, the per-CVE and
 * per-component table and the affected hosts' own services; before "ports unknown" (the host's ports, any port).
 */
import type { PortSpec } from '../bulletins/model';
import { assertValid, createValidator } from '../common/json-schema';
import usualPortsSchema from '../../rules/schemas/usual-ports.schema.json';

export interface UsualPorts {
  products: { product: string; identities: string[]; ports: string[]; source: string }[];
}

const validateUsualPorts = createValidator(usualPortsSchema);

export function readUsualPorts(value: unknown, file: string): UsualPorts {
  return assertValid<UsualPorts>(validateUsualPorts, value, file, 'usual port table');
}

/** The usual ports of the affected products the table knows, with a source naming each row; undefined for none. */
export function usualPortsOf(
  products: readonly string[],
  table: UsualPorts,
): { ports: PortSpec[]; source: string } | undefined {
  const rows = table.products.filter((row) => row.identities.some((identity) => products.includes(identity)));
  if (!rows.length) return undefined;
  const texts = [...new Set(rows.flatMap((row) => row.ports))];
  return {
    ports: texts.map((text) => {
      const [protocol, port] = text.split('/') as ['tcp' | 'udp', string];
      return { protocol, port: Number(port) };
    }),
    source: `rules/usual-ports.json, the ports the product's service usually listens on (the bulletin names none, rules/service-ports.json has no row for it and no scan shows its service): ${rows.map((row) => `${row.product}: ${row.ports.join(', ')}, per ${row.source}`).join('; ')}`,
  };
}
