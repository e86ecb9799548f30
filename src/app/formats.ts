/** Every format `patchcall import` understands, and how a document's format is chosen. */
import { InputError } from '../common/errors';
import type { FormatHandler, SniffedDocument } from '../common/format-handler';
import { bulletinFormats } from '../bulletins/formats';
import type { BulletinBatch } from '../bulletins/model';
import { inventoryFormats } from '../inventory/formats';
import type { InventoryBatch } from '../inventory/model';
import { filterFormats } from '../exposure/formats';
import type { FilterBatch } from '../exposure/model';
import { networkFormats } from '../exposure/network-formats';
import type { NetworkBatch } from '../exposure/network-model';
import { rosterFormat, type RosterBatch } from '../decisions/roster-format';

export type ImportBatch = BulletinBatch | InventoryBatch | FilterBatch | NetworkBatch | RosterBatch;

export const allFormats: FormatHandler<ImportBatch>[] = [...bulletinFormats, ...inventoryFormats, ...filterFormats, ...networkFormats, rosterFormat];

export function formatNames(): string[] {
  return allFormats.map((f) => f.format);
}

/** The handler named by --format, or the first whose detector recognises the document. */
export function chooseFormat(doc: SniffedDocument, forced?: string): FormatHandler<ImportBatch> {
  if (forced) {
    const handler = allFormats.find((f) => f.format === forced);
    if (!handler) throw new InputError(doc.name, `unknown format "${forced}"; known formats: ${formatNames().join(', ')}`);
    return handler;
  }
  const handler = allFormats.find((f) => f.detect(doc));
  if (!handler) {
    const kind = doc.json !== undefined ? 'JSON' : doc.xmlRoot ? `XML (root <${doc.xmlRoot}>)` : 'text';
    throw new InputError(doc.name, `unknown format: this ${kind} document is none of ${formatNames().join(', ')} (use --format to name one)`);
  }
  return handler;
}
