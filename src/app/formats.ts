/** Every format `patchcall import` understands, and how a document's format is chosen. */
import { InputError } from '../common/errors';
import type { FormatHandler, SniffedDocument } from '../common/format-handler';
import { bulletinFormats } from '../bulletins/formats';
import type { BulletinBatch } from '../bulletins/model';

export type ImportBatch = BulletinBatch;

export const allFormats: FormatHandler<ImportBatch>[] = [...bulletinFormats];

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
