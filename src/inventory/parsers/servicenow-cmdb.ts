/**
 * ServiceNow CMDB server exports (cmdb_ci_server, cmdb_ci_win_server, …) as CSV (exported by field name or by
 * display label) and as JSON (`{"records": […]}` from the list export, `{"result": […]}` from the Table API, with
 * reference fields either plain or `{"value", "display_value", "link"}`). Other CMDBs are read through a column
 * mapping (see docs/formats/servicenow-cmdb.md).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isIP } from 'node:net';
import { checkCsvRecords, CSV_LIMITS } from '../../common/input-limits';
import { formatPlace, InputError, type InputPlace } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { Asset, Criticality, Environment, InventoryBatch } from '../model';
import type { NameTable } from '../name-table';
import { normalizeOs } from '../normalize-os';
import { NO_PROVIDERS, providerFor, type ProviderRules } from '../providers';

/** The fields patchcall reads, by ServiceNow field name. */
export const CMDB_FIELDS = [
  'sys_id',
  'name',
  'host_name',
  'fqdn',
  'ip_address',
  'os',
  'os_version',
  'os_service_pack',
  'classification',
  'used_for',
  'environment',
  'install_status',
  'busines_criticality',
  'support_group',
  'managed_by',
  'company',
  'sys_class_name',
  'u_patched_by',
  'u_patch_sla_days',
  'u_cluster',
  'u_tags',
] as const;
export type CmdbField = (typeof CMDB_FIELDS)[number];

/** Column names a field goes by: the field name, ServiceNow's display label, and common variants. */
const DEFAULT_COLUMNS: Record<CmdbField, string[]> = {
  sys_id: ['sys_id', 'Sys ID'],
  name: ['name', 'Name'],
  host_name: ['host_name', 'Host name'],
  fqdn: ['fqdn', 'Fully qualified domain name'],
  ip_address: ['ip_address', 'IP Address'],
  os: ['os', 'Operating System'],
  os_version: ['os_version', 'OS Version'],
  os_service_pack: ['os_service_pack', 'OS Service Pack'],
  classification: ['classification', 'Classification'],
  used_for: ['used_for', 'Used for'],
  environment: ['environment', 'u_environment', 'Environment'],
  // ServiceNow's own field name is misspelt ("busines"); the label and later releases spell it right
  install_status: ['install_status', 'Install Status', 'Status'],
  busines_criticality: [
    'busines_criticality',
    'business_criticality',
    'u_business_criticality',
    'Business criticality',
  ],
  support_group: ['support_group', 'Support group'],
  managed_by: ['managed_by', 'Managed by'],
  company: ['company', 'Company'],
  sys_class_name: ['sys_class_name', 'Class'],
  u_patched_by: ['u_patched_by', 'patched_by', 'Patched by'],
  u_patch_sla_days: ['u_patch_sla_days', 'patch_sla_days', 'Patch SLA days'],
  u_cluster: ['u_cluster', 'cluster', 'Cluster'],
  u_tags: ['u_tags', 'tags', 'Tags'],
};

/** A CMDB's own column names for patchcall's fields, e.g. `{ name: "Host Name", ip_address: "IP" }`. */
export type CmdbColumnMapping = Partial<Record<CmdbField, string>>;

type Row = Partial<Record<CmdbField, string>>;
type Locate = (field?: CmdbField) => InputPlace;
/** Records a value the import left unknown, naming the file and place: tolerant, never silent. */
type Warn = (place: InputPlace, message: string) => void;

function warnings(file: string): { warn: Warn; list: string[] } {
  const list: string[] = [];
  return { list, warn: (place, message) => list.push(`${file}${formatPlace(place)}: ${message}`) };
}

/** What a CMDB row is read with from the rules folder: the name tables (rules/names) and providers.json. */
interface RowRules {
  names: NameTable;
  providers: ProviderRules;
}

export function createCmdbFormats(
  names: NameTable,
  mapping: CmdbColumnMapping = {},
  providers: ProviderRules = NO_PROVIDERS,
): FormatHandler<InventoryBatch>[] {
  const rules: RowRules = { names, providers };
  const columns = Object.fromEntries(
    CMDB_FIELDS.map((f) => [f, mapping[f] ? [mapping[f]!] : DEFAULT_COLUMNS[f]]),
  ) as Record<CmdbField, string[]>;
  const csv: FormatHandler<InventoryBatch> = {
    format: 'servicenow-cmdb-csv',
    description: 'ServiceNow CMDB server export (CSV, by field name or label)',
    detect: (doc) => doc.json === undefined && !doc.xmlRoot && looksLikeCmdbHeader(firstLine(doc.text), columns),
    parse: (doc) => parseCmdbCsv(doc, columns, rules),
  };
  const json: FormatHandler<InventoryBatch> = {
    format: 'servicenow-cmdb-json',
    description: 'ServiceNow CMDB server export (JSON: {"records": […]} or Table API {"result": […]})',
    detect: (doc) => {
      const records = recordsOf(doc.json);
      const first = records?.[0];
      return !!first && typeof first === 'object' && ('sys_id' in first || 'sys_class_name' in first);
    },
    parse: (doc) => parseCmdbJson(doc, rules),
  };
  return [csv, json];
}

function firstLine(text: string): string {
  return text.slice(0, 4096).split(/\r?\n/)[0] ?? '';
}

function looksLikeCmdbHeader(line: string, columns: Record<CmdbField, string[]>): boolean {
  const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  const has = (field: CmdbField) => columns[field].some((name) => cells.includes(name));
  return has('name') && (has('os') || has('sys_id') || has('install_status') || has('ip_address'));
}

function parseCmdbCsv(doc: SniffedDocument, columns: Record<CmdbField, string[]>, rules: RowRules): InventoryBatch {
  let records: string[][];
  try {
    records = parseCsv(doc.text, { ...CSV_LIMITS, skip_empty_lines: true, bom: true, trim: true }) as string[][];
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    throw new InputError(
      doc.name,
      `not a readable CSV: ${e.message.replace(/ on line \d+$/, '')}`,
      e.lines ? { line: e.lines } : {},
    );
  }
  checkCsvRecords(doc.name, records.slice(1));
  const [header, ...rows] = records;
  if (!header) throw new InputError(doc.name, 'the CSV has no header row', { line: 1 });
  header.forEach((cell, i) => {
    if (!cell) throw new InputError(doc.name, `header column ${i + 1} has no name`, { line: 1, column: i + 1 });
    if (header.indexOf(cell) !== i)
      throw new InputError(doc.name, `header names column "${cell}" twice`, { line: 1, column: i + 1 });
  });
  const index = new Map<CmdbField, number>();
  for (const field of CMDB_FIELDS) {
    const at = header.findIndex((cell) => columns[field].includes(cell));
    if (at >= 0) index.set(field, at);
  }
  if (!index.has('name'))
    throw new InputError(
      doc.name,
      `the header has no name column (expected one of ${columns.name.map((c) => `"${c}"`).join(', ')})`,
      { line: 1 },
    );
  // csv-parse has already refused rows whose length differs from the header's; data lines start at 2
  const startLines = recordStartLines(doc.text);
  const { warn, list } = warnings(doc.name);
  return {
    kind: 'inventory',
    assets: rows.map((cells, i) => {
      const row: Row = {};
      for (const [field, at] of index) row[field] = cells[at];
      const line = startLines[i + 1] ?? i + 2;
      return rowToAsset(
        row,
        doc.name,
        `line ${line}`,
        (field) => (field && index.has(field) ? { line, column: index.get(field)! + 1 } : { line }),
        warn,
        rules,
      );
    }),
    fixes: [],
    ...(list.length ? { warnings: list } : {}),
  };
}

/**
 * The line each record starts on, counting quoted newlines and skipping blank lines as csv-parse does: csv-parse
 * reports records, people read lines. One pass: computing it per record made a 2 MB file take minutes.
 */
function recordStartLines(text: string): number[] {
  const starts: number[] = [];
  const blank = /[ \t\r]*(?:\n|$)/y;
  let line = 1;
  let quoted = false;
  let atRecordStart = true;
  for (let i = 0; i < text.length; i++) {
    if (atRecordStart) {
      blank.lastIndex = i;
      if (!blank.test(text)) starts.push(line);
      atRecordStart = false;
    }
    const ch = text.charCodeAt(i);
    if (ch === 0x22) quoted = !quoted;
    else if (ch === 0x0a) {
      line++;
      if (!quoted) atRecordStart = true;
    }
  }
  return starts;
}

function recordsOf(json: unknown): unknown[] | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const object = json as Record<string, unknown>;
  const list = object.records ?? object.result;
  return Array.isArray(list) ? list : undefined;
}

function parseCmdbJson(doc: SniffedDocument, rules: RowRules): InventoryBatch {
  const records = recordsOf(doc.json);
  if (!records) throw new InputError(doc.name, 'expected {"records": […]} or {"result": […]}', { pointer: '' });
  const key = 'records' in (doc.json as object) ? 'records' : 'result';
  const { warn, list } = warnings(doc.name);
  return {
    kind: 'inventory',
    assets: records.map((record, i) => {
      const at = pointer(key, i);
      if (!record || typeof record !== 'object')
        throw new InputError(doc.name, 'a CMDB record must be an object', { pointer: at });
      const row: Row = {};
      for (const field of CMDB_FIELDS) {
        const value = DEFAULT_COLUMNS[field]
          .map((name) => (record as Record<string, unknown>)[name])
          .find((v) => v !== undefined);
        const text = cellText(value, field);
        if (text !== undefined) row[field] = text;
      }
      return rowToAsset(row, doc.name, at, (field) => ({ pointer: field ? `${at}/${field}` : at }), warn, rules);
    }),
    fixes: [],
    ...(list.length ? { warnings: list } : {}),
  };
}

/** Reference and choice fields arrive as `{value, display_value, link}`: the code for choices, the label for the rest. */
function cellText(value: unknown, field: CmdbField): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const ref = value as { value?: unknown; display_value?: unknown };
    const pick = field === 'install_status' ? (ref.value ?? ref.display_value) : (ref.display_value ?? ref.value);
    return pick === undefined || pick === null ? undefined : String(pick).trim();
  }
  return String(value).trim();
}

function rowToAsset(
  row: Row,
  file: string,
  locator: string,
  place: Locate,
  warn: Warn,
  { names, providers }: RowRules,
): Asset {
  const name = row.name;
  if (!name) throw new InputError(file, 'a CMDB record has no name', place('name'));
  const source = inventorySource('servicenow-cmdb', file, locator);
  const asset = newAsset({
    id: row.sys_id || name,
    name,
    addresses: readAddresses(row.ip_address, place('ip_address'), warn),
    hostnames: [row.host_name, row.fqdn].filter((h): h is string => !!h && h.toLowerCase() !== name.toLowerCase()),
    criticality: readCriticality(row.busines_criticality, place('busines_criticality'), warn),
    environment: readEnvironment(row.environment || row.used_for || row.classification),
    tags: [...splitList(row.u_tags), ...(row.sys_class_name ? [row.sys_class_name] : [])],
    retired: readRetired(row.install_status, place('install_status'), warn),
    sources: [source],
  });
  const osName = [row.os, row.os_version].filter(Boolean).join(' ');
  if (osName) {
    const normalized = normalizeOs(names, osName, row.os_service_pack);
    const raw = [osName, row.os_service_pack].filter(Boolean).join(' ');
    asset.os = { raw, ...normalized, confidence: 100, method: 'inventory', source };
    asset.osCandidates = [asset.os];
  }
  if (row.support_group || row.managed_by) asset.owner = row.support_group || row.managed_by;
  if (row.u_cluster) asset.cluster = row.u_cluster;
  const provider = row.u_patched_by;
  if (provider && !/^(self|us|internal|-)$/i.test(provider)) {
    asset.patchedBy = 'provider';
    asset.provider = provider;
  } else if (!provider) {
    // no explicit patched-by column: the organization's mapping may know the managing company or group
    const mapped = providerFor(providers, {
      ...(row.managed_by ? { managedBy: row.managed_by } : {}),
      ...(row.company ? { company: row.company } : {}),
    });
    if (mapped) {
      asset.patchedBy = 'provider';
      asset.provider = mapped.provider;
      if (mapped.patchSlaDays !== undefined) asset.patchSlaDays = mapped.patchSlaDays;
    }
  }
  if (row.u_patch_sla_days) {
    const days = Number(row.u_patch_sla_days);
    if (!Number.isInteger(days) || days < 0)
      throw new InputError(
        file,
        `u_patch_sla_days "${row.u_patch_sla_days}" is not a whole number of days`,
        place('u_patch_sla_days'),
      );
    asset.patchSlaDays = days;
  }
  return asset;
}

/** Every address that is one; "10.0.0.300" is a warning and the row keeps its other addresses. */
function readAddresses(text: string | undefined, place: InputPlace, warn: Warn): string[] {
  return splitList(text).filter((address) => {
    if (isIP(address)) return true;
    warn(place, `"${address}" is not an IP address; left out, the row keeps its other addresses`);
    return false;
  });
}

function splitList(text: string | undefined): string[] {
  return (text ?? '').split(/[,;\s]+/).filter(Boolean);
}

/**
 * ServiceNow's business criticality choices ("1 - most critical" … "4 - not critical") and plain words. A custom
 * choice ("5 - not critical") imports the row with criticality unknown and a warning: refusing a 10,000-row export
 * over one row is wrong in an emergency.
 */
function readCriticality(value: string | undefined, place: InputPlace, warn: Warn): Criticality {
  if (!value) return 'unknown';
  const v = value.toLowerCase().trim();
  const code = /^([1-4])\b/.exec(v)?.[1];
  const byCode: Record<string, Criticality> = { '1': 'critical', '2': 'high', '3': 'medium', '4': 'low' };
  if (code) return byCode[code]!;
  if (['critical', 'high', 'medium', 'low'].includes(v)) return v as Criticality;
  if (v === 'unknown') return 'unknown';
  warn(
    place,
    `business criticality "${value}" is none of ServiceNow's choices ("1 - most critical" … "4 - not critical", or critical/high/medium/low); imported as unknown`,
  );
  return 'unknown';
}

/** install_status choices of the base system; 7 (Retired) keeps the record but takes it out of every count. */
const INSTALL_STATUS: Record<string, boolean> = {
  '1': false,
  installed: false,
  '2': false,
  'on order': false,
  '3': false,
  'in maintenance': false,
  '4': false,
  'pending install': false,
  '5': false,
  'pending repair': false,
  '6': false,
  'in stock': false,
  '7': true,
  retired: true,
  '8': false,
  stolen: false,
  '100': false,
  absent: false,
};

/** An install_status outside the choices is unknown: the asset stays counted (never hidden as retired), loudly. */
function readRetired(value: string | undefined, place: InputPlace, warn: Warn): boolean {
  if (!value) return false;
  const known = INSTALL_STATUS[value.toLowerCase().trim()];
  if (known === undefined) {
    warn(
      place,
      `install_status "${value}" is none of ServiceNow's choices (1 Installed … 7 Retired, 8 Stolen, 100 Absent); status unknown, the asset stays counted as in service`,
    );
    return false;
  }
  return known;
}

function readEnvironment(value: string | undefined): Environment {
  const v = (value ?? '').toLowerCase();
  if (/\bprod/.test(v)) return 'production';
  if (/\b(stag|pre-?prod)/.test(v)) return 'staging';
  if (/\bdev/.test(v)) return 'development';
  if (/\b(test|qa|uat)/.test(v)) return 'test';
  return 'unknown';
}
