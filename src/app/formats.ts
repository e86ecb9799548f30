/** Every format `patchcall import` understands, and how a document's format is chosen. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlText } from '../common/parse-yaml';
import { InputError } from '../common/errors';
import type { FormatHandler, SniffedDocument } from '../common/format-handler';
import { bulletinFormats } from '../bulletins/formats';
import type { BulletinBatch } from '../bulletins/model';
import { inventoryFormatsWith } from '../inventory/formats';
import { CMDB_FIELDS, type CmdbColumnMapping } from '../inventory/parsers/servicenow-cmdb';
import type { InventoryBatch } from '../inventory/model';
import type { SoftwareInstallationPolicy } from '../inventory/parsers/servicenow-software';
import { loadProviderRules, type ProviderRules } from '../inventory/providers';
import { filterFormats } from '../exposure/formats';
import type { FilterBatch } from '../exposure/model';
import { networkFormats } from '../exposure/network-formats';
import type { NetworkBatch } from '../exposure/network-model';
import { rosterFormat, type RosterBatch } from '../decisions/roster-format';

export type ImportBatch = BulletinBatch | InventoryBatch | FilterBatch | NetworkBatch | RosterBatch;

export const allFormats: FormatHandler<ImportBatch>[] = formatsWith({});

function formatsWith(
  cmdbMapping: CmdbColumnMapping,
  softwareInstallations?: SoftwareInstallationPolicy,
  providers?: ProviderRules,
): FormatHandler<ImportBatch>[] {
  return [
    ...bulletinFormats,
    ...inventoryFormatsWith(cmdbMapping, softwareInstallations, providers),
    ...filterFormats,
    ...networkFormats,
    rosterFormat,
  ];
}

const CMDB_MAPPING_FILE = 'cmdb-mapping.yaml';

/**
 * The formats for a rules directory: with a `cmdb-mapping.yaml` there (`kind: patchcall/cmdb-mapping`,
 * `columns: {name: "Host Name", …}`), CMDB exports are read by the organization's own column names, and
 * `software_installations: {complete: true, because: "…"}` declares the software-installation export complete.
 */
export function formatsFor(rulesDir: string): FormatHandler<ImportBatch>[] {
  const path = join(rulesDir, CMDB_MAPPING_FILE);
  const providers = loadProviderRules(rulesDir);
  if (!existsSync(path)) return formatsWith({}, undefined, providers);
  const doc = parseYamlText(path, readFileSync(path, 'utf8')) as {
    kind?: unknown;
    columns?: Record<string, unknown>;
    software_installations?: unknown;
  } | null;
  if (doc?.kind !== 'patchcall/cmdb-mapping')
    throw new InputError(path, 'expected "kind: patchcall/cmdb-mapping"', { pointer: '/kind' });
  const columns = doc.columns ?? {};
  for (const [field, column] of Object.entries(columns)) {
    if (!(CMDB_FIELDS as readonly string[]).includes(field))
      throw new InputError(path, `unknown CMDB field "${field}"; known: ${CMDB_FIELDS.join(', ')}`, {
        pointer: `/columns/${field}`,
      });
    if (typeof column !== 'string' || !column.trim())
      throw new InputError(path, 'a column name must be a non-empty string', { pointer: `/columns/${field}` });
  }
  return formatsWith(columns as CmdbColumnMapping, readSoftwarePolicy(path, doc.software_installations), providers);
}

function readSoftwarePolicy(path: string, value: unknown): SoftwareInstallationPolicy | undefined {
  if (value === undefined) return undefined;
  const policy = value as { complete?: unknown; because?: unknown } | null;
  if (!policy || typeof policy !== 'object' || typeof policy.complete !== 'boolean')
    throw new InputError(path, 'software_installations needs "complete: true" or "complete: false"', {
      pointer: '/software_installations/complete',
    });
  if (policy.because !== undefined && (typeof policy.because !== 'string' || !policy.because.trim()))
    throw new InputError(path, 'software_installations.because must be a non-empty string', {
      pointer: '/software_installations/because',
    });
  return { complete: policy.complete, ...(typeof policy.because === 'string' ? { because: policy.because } : {}) };
}

export function formatNames(): string[] {
  return allFormats.map((f) => f.format);
}

/** The handler named by --format, or the first whose detector recognises the document. */
export function chooseFormat(
  doc: SniffedDocument,
  forced?: string,
  formats: FormatHandler<ImportBatch>[] = allFormats,
): FormatHandler<ImportBatch> {
  if (forced) {
    const handler = formats.find((f) => f.format === forced);
    if (!handler)
      throw new InputError(doc.name, `unknown format "${forced}"; known formats: ${formatNames().join(', ')}`);
    return handler;
  }
  const handler = formats.find((f) => f.detect(doc));
  if (!handler) {
    const kind = doc.json !== undefined ? 'JSON' : doc.xmlRoot ? `XML (root <${doc.xmlRoot}>)` : 'text';
    throw new InputError(
      doc.name,
      `unknown format: this ${kind} document is none of ${formatNames().join(', ')} (use --format to name one)`,
    );
  }
  return handler;
}
