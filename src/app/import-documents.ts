/**
 * `patchcall import`: parse every input whole, then record them all in one transaction: one `source.imported`
 * event per document, with the projections updated in the same transaction. Any bad input stores nothing.
 */
import { createHash } from 'node:crypto';
import type { SniffedDocument } from '../common/format-handler';
import type { AppContext } from './app-context';
import { chooseFormat, formatsFor, type ImportBatch } from './formats';
import { clearProjections, describeBatch, projectBatch } from './project-batch';
import { InputError } from '../common/errors';
import { assignBatchToAsset } from '../inventory/software';

export const SOURCE_IMPORTED = 'source.imported';

export interface SourceImportedPayload {
  format: string;
  document: string;
  sha256: string;
  bytes: number;
  batch: ImportBatch;
}

export interface ImportInput {
  doc: SniffedDocument;
  bytes: Buffer;
}

export interface ImportOutcome {
  document: string;
  format: string;
  sha256: string;
  status: 'imported' | 'unchanged';
  eventSeq: number;
  kind: ImportBatch['kind'];
  /** One line saying what the document held. */
  summary: string;
  /** Values the import could not read and left unknown, each naming the place (inventory imports). */
  warnings: string[];
}

export type ImportProgress = (stage: 'parse' | 'store', done: number, total: number) => void;

export function importDocuments(
  ctx: AppContext,
  inputs: ImportInput[],
  options: { format?: string; actor: string; onProgress?: ImportProgress; asset?: string; locale?: string },
): ImportOutcome[] {
  const formats = formatsFor(ctx.rules);
  const parsed = inputs.map((input, i) => {
    const doc = {
      ...input.doc,
      ...(options.asset ? { assetName: options.asset } : {}),
      ...(options.locale ? { locale: options.locale } : {}),
    };
    const handler = chooseFormat(doc, options.format, formats);
    const batch = withAsset(handler.parse(doc), doc.name, options.asset);
    options.onProgress?.('parse', i + 1, inputs.length);
    return { input, format: handler.format, batch, sha256: createHash('sha256').update(input.bytes).digest('hex') };
  });

  return ctx.db.transaction(() =>
    parsed.map(({ input, format, batch, sha256 }, i): ImportOutcome => {
      const summary = {
        kind: batch.kind,
        summary: describeBatch(batch),
        warnings: batch.kind === 'inventory' ? (batch.warnings ?? []) : [],
      };
      // the same SBOM said of another asset is another statement, not a repeat
      const stream = options.asset ? `source:${sha256}:asset:${options.asset.toLowerCase()}` : `source:${sha256}`;
      const previous = ctx.events.first({ stream, type: SOURCE_IMPORTED });
      if (previous) {
        return { document: input.doc.name, format, sha256, status: 'unchanged', eventSeq: previous.seq, ...summary };
      }
      const payload: SourceImportedPayload = {
        format,
        document: input.doc.name,
        sha256,
        bytes: input.bytes.length,
        batch,
      };
      const event = ctx.events.append({
        type: SOURCE_IMPORTED,
        stream,
        actor: options.actor,
        payload,
      });
      projectBatch(ctx, event.seq, batch);
      options.onProgress?.('store', i + 1, parsed.length);
      return { document: input.doc.name, format, sha256, status: 'imported', eventSeq: event.seq, ...summary };
    }),
  )();
}

/** `--asset` ties a host-less inventory to a named asset; any other kind of document refuses it. */
function withAsset(batch: ImportBatch, document: string, asset: string | undefined): ImportBatch {
  if (!asset) return batch;
  if (batch.kind !== 'inventory' || !asset.trim())
    throw new InputError(
      document,
      `--asset names the host of an inventory (an SBOM, osquery output); this is ${batch.kind}`,
    );
  return assignBatchToAsset(batch, asset);
}

/** Refills the projection tables from the event log: they are caches, the log is the truth. */
export function rebuildProjections(ctx: AppContext): number {
  return ctx.db.transaction(() => {
    clearProjections(ctx);
    let count = 0;
    // collected first: better-sqlite3 cannot write while a read statement is still iterating
    for (const event of [...ctx.events.read<SourceImportedPayload>({ type: SOURCE_IMPORTED })]) {
      projectBatch(ctx, event.seq, event.payload.batch);
      count++;
    }
    return count;
  })();
}
