/**
 * ServiceNow software installations (`cmdb_sam_sw_install`: installed_on, display_name, version, publisher,
 * install_date) as CSV (by field name or display label) and JSON (`{"records": […]}` list export or Table API
 * `{"result": […]}`, references plain or `{value, display_value, link}`).
 *
 * Completeness: a CMDB's software list is only as good as its discovery, so it is complete only when the
 * organization says so in rules/cmdb-mapping.yaml (`software_installations: {complete: true, because: "…"}`);
 * otherwise each host gets an incomplete `software-installations` inventory.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import { readIsoDate } from '../../common/dates';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { Asset, InstalledSoftware, InventoryBatch, SoftwareInventory } from '../model';

const FIELDS = ['installed_on', 'display_name', 'version', 'publisher', 'install_date'] as const;
type Field = (typeof FIELDS)[number];
const COLUMNS: Record<Field, string[]> = {
  installed_on: ['installed_on', 'Installed on'],
  display_name: ['display_name', 'Display name'],
  version: ['version', 'Version'],
  publisher: ['publisher', 'Publisher'],
  install_date: ['install_date', 'Install date'],
};

/** What the organization says about its software-installation exports (rules/cmdb-mapping.yaml). */
export interface SoftwareInstallationPolicy {
  complete: boolean;
  because?: string;
}

export function createServiceNowSoftwareFormats(
  policy: SoftwareInstallationPolicy = { complete: false },
): FormatHandler<InventoryBatch>[] {
  const csv: FormatHandler<InventoryBatch> = {
    format: 'servicenow-software-csv',
    description: 'ServiceNow software installations, cmdb_sam_sw_install (CSV)',
    detect: (doc) => {
      if (doc.json !== undefined || doc.xmlRoot) return false;
      const header = (doc.text.slice(0, 4096).split(/\r?\n/)[0] ?? '')
        .split(',')
        .map((c) => c.trim().replace(/^"|"$/g, ''));
      return (
        COLUMNS.installed_on.some((c) => header.includes(c)) && COLUMNS.display_name.some((c) => header.includes(c))
      );
    },
    parse: (doc) => parseCsvExport(doc, policy),
  };
  const json: FormatHandler<InventoryBatch> = {
    format: 'servicenow-software-json',
    description: 'ServiceNow software installations, cmdb_sam_sw_install (JSON records or Table API result)',
    detect: (doc) => {
      const first = recordsOf(doc.json)?.[0];
      return !!first && typeof first === 'object' && 'installed_on' in first && 'display_name' in first;
    },
    parse: (doc) => parseJsonExport(doc, policy),
  };
  return [csv, json];
}

type Row = Partial<Record<Field, string>>;

function parseCsvExport(doc: SniffedDocument, policy: SoftwareInstallationPolicy): InventoryBatch {
  let records: string[][];
  try {
    records = parseCsv(doc.text, { skip_empty_lines: true, bom: true, trim: true }) as string[][];
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new InputError(
      doc.name,
      `not a readable CSV: ${e.message.replace(/ on line \d+$/, '')}`,
      e.lines ? { line: e.lines } : {},
    );
  }
  const [header, ...rows] = records;
  const index = new Map<Field, number>();
  for (const field of FIELDS) {
    const at = header!.findIndex((cell) => COLUMNS[field].includes(cell));
    if (at >= 0) index.set(field, at);
  }
  const located = rows.map((cells, i) => {
    const row: Row = {};
    for (const [field, at] of index) if (cells[at]) row[field] = cells[at];
    return { row, locator: `line ${i + 2}`, place: { line: i + 2 } };
  });
  return toBatch(doc.name, located, policy);
}

function recordsOf(json: unknown): unknown[] | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const object = json as Record<string, unknown>;
  const list = object.records ?? object.result;
  return Array.isArray(list) ? list : undefined;
}

function parseJsonExport(doc: SniffedDocument, policy: SoftwareInstallationPolicy): InventoryBatch {
  const key = 'records' in (doc.json as object) ? 'records' : 'result';
  const located = recordsOf(doc.json)!.map((record, i) => {
    const at = pointer(key, i);
    if (!record || typeof record !== 'object')
      throw new InputError(doc.name, 'a record must be an object', { pointer: at });
    const row: Row = {};
    for (const field of FIELDS) {
      const value = (record as Record<string, unknown>)[field];
      const text = cellText(value);
      if (text) row[field] = text;
    }
    return { row, locator: at, place: { pointer: at } };
  });
  return toBatch(doc.name, located, policy);
}

/** References arrive as `{value, display_value, link}`: the host is known by its display name, not its sys_id. */
function cellText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const ref = value as { display_value?: unknown; value?: unknown };
    const pick = ref.display_value ?? ref.value;
    return pick === undefined || pick === null || String(pick).trim() === '' ? undefined : String(pick).trim();
  }
  return String(value).trim() || undefined;
}

function toBatch(
  file: string,
  rows: { row: Row; locator: string; place: { line: number } | { pointer: string } }[],
  policy: SoftwareInstallationPolicy,
): InventoryBatch {
  const views = new Map<string, Asset>();
  for (const { row, locator, place } of rows) {
    if (!row.installed_on)
      throw new InputError(file, 'a software installation names no host (installed_on is empty)', place);
    if (!row.display_name) throw new InputError(file, 'a software installation has no display_name', place);
    const host = row.installed_on;
    let view = views.get(host.toLowerCase());
    if (!view) {
      const inventory: SoftwareInventory = {
        kind: 'software-installations',
        complete: policy.complete,
        completeBecause: policy.complete
          ? (policy.because ?? 'rules/cmdb-mapping.yaml declares the software installation export complete')
          : 'a CMDB software list is complete only when rules/cmdb-mapping.yaml says so (software_installations.complete)',
        source: inventorySource('servicenow-software', file),
      };
      view = newAsset({
        id: host,
        name: host,
        softwareInventories: [inventory],
        sources: [inventorySource('servicenow-software', file)],
      });
      views.set(host.toLowerCase(), view);
    }
    const installed = row.install_date
      ? readIsoDate(row.install_date.replace(' ', 'T') + (row.install_date.includes(' ') ? 'Z' : ''))
      : undefined;
    const item: InstalledSoftware = {
      name: row.display_name,
      ...(row.version ? { version: row.version } : {}),
      ...(row.publisher ? { vendor: row.publisher } : {}),
      kind: 'application',
      ...(installed?.ok ? { installedOn: installed.iso } : {}),
      inventory: 'software-installations',
      source: inventorySource('servicenow-software', file, locator),
    };
    view.software.push(item);
  }
  return { kind: 'inventory', assets: [...views.values()], fixes: [] };
}
