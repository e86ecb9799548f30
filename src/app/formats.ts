/** Every format `patchcall import` understands, and how a document's format is chosen. */
import { InputError } from '../common/errors';
import type { FormatHandler, SniffedDocument } from '../common/format-handler';
import { bulletinFormats } from '../bulletins/formats';
import type { BulletinBatch } from '../bulletins/model';
import { inventoryFormatsWith } from '../inventory/formats';
import type { CmdbColumnMapping } from '../inventory/parsers/servicenow-cmdb';
import type { InventoryBatch } from '../inventory/model';
import { NameTable } from '../inventory/name-table';
import type { SoftwareInstallationPolicy } from '../inventory/parsers/servicenow-software';
import type { ProviderRules } from '../inventory/providers';
import { filterFormats } from '../exposure/formats';
import type { FilterBatch } from '../exposure/model';
import { networkFormats } from '../exposure/network-formats';
import type { NetworkBatch } from '../exposure/network-model';
import { rosterFormat, type RosterBatch } from '../decisions/roster-format';
import type { RulesFolder } from './rules-folder';

export type ImportBatch = BulletinBatch | InventoryBatch | FilterBatch | NetworkBatch | RosterBatch;

/** Only the names, for --format's help: no document is read with these handlers (they have no name tables). */
const FORMAT_NAMES = formatsWith(new NameTable([]), {}).map((f) => f.format);

function formatsWith(
  names: NameTable,
  cmdbMapping: CmdbColumnMapping,
  softwareInstallations?: SoftwareInstallationPolicy,
  providers?: ProviderRules,
): FormatHandler<ImportBatch>[] {
  return [
    ...bulletinFormats,
    ...inventoryFormatsWith(names, cmdbMapping, softwareInstallations, providers),
    ...filterFormats,
    ...networkFormats,
    rosterFormat,
  ];
}

/**
 * The formats for a rules folder: with a `cmdb-mapping.yaml` there (`kind: patchcall/cmdb-mapping`,
 * `columns: {name: "Host Name", …}`), CMDB exports are read by the organization's own column names, and
 * `software_installations: {complete: true, because: "…"}` declares the software-installation export complete;
 * rules/providers.json says which assets a provider patches; rules/names (an organization's rows first) names the
 * OS of scanned and CMDB hosts as they are imported.
 */
export function formatsFor(rules: RulesFolder): FormatHandler<ImportBatch>[] {
  const mapping = rules.get('cmdbMapping');
  return formatsWith(
    rules.get('names'),
    mapping?.columns ?? {},
    mapping?.softwareInstallations,
    rules.get('providers'),
  );
}

export function formatNames(): string[] {
  return FORMAT_NAMES;
}

/** The handler named by --format, or the first whose detector recognises the document. */
export function chooseFormat(
  doc: SniffedDocument,
  forced: string | undefined,
  formats: FormatHandler<ImportBatch>[],
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
