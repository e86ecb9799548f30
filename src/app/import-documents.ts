/**
 * `patchcall import`: parse every input whole, then record them all in one transaction: one `source.imported`
 * event per document, with the projections updated in the same transaction. Any bad input stores nothing.
 */
import { createHash } from 'node:crypto';
import type { SniffedDocument } from '../common/format-handler';
import type { AppContext } from './app-context-type';
import { chooseFormat, formatsFor, type ImportBatch } from './formats';
import { clearProjections, describeBatch, projectBatch } from './project-batch';
import { assertTablesMatchLog, recordProjection, SOURCE_IMPORTED } from './lookup-tables';
import { writeTransaction } from '../store/write-transaction';

export { SOURCE_IMPORTED };

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
}

export type ImportProgress = (stage: 'parse' | 'store', done: number, total: number) => void;

export function importDocuments(
  ctx: AppContext,
  inputs: ImportInput[],
  options: { format?: string; actor: string; onProgress?: ImportProgress },
): ImportOutcome[] {
  const formats = formatsFor(ctx.rulesDir);
  const parsed = inputs.map((input, i) => {
    const handler = chooseFormat(input.doc, options.format, formats);
    const batch = handler.parse(input.doc);
    options.onProgress?.('parse', i + 1, inputs.length);
    return { input, format: handler.format, batch, sha256: createHash('sha256').update(input.bytes).digest('hex') };
  });

  return writeTransaction(
    ctx.db,
    () => {
      // the tables are checked inside the write lock: nothing is projected onto tables that disagree with the log
      assertTablesMatchLog(ctx);
      const outcomes = parsed.map(({ input, format, batch, sha256 }, i): ImportOutcome => {
        const summary = { kind: batch.kind, summary: describeBatch(batch) };
        const previous = ctx.events.first({ stream: `source:${sha256}`, type: SOURCE_IMPORTED });
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
          stream: `source:${sha256}`,
          actor: options.actor,
          payload,
        });
        // the tables hold canonical JSON, so `audit rebuild` (projecting the batch read back from the log) gives the same bytes
        projectBatch(ctx, event.seq, batch);
        options.onProgress?.('store', i + 1, parsed.length);
        return { document: input.doc.name, format, sha256, status: 'imported', eventSeq: event.seq, ...summary };
      });
      const imported = outcomes.filter((o) => o.status === 'imported');
      if (imported.length)
        recordProjection(
          ctx,
          Math.max(...imported.map((o) => o.eventSeq)),
          imported.map((o) => o.kind),
        );
      return outcomes;
    },
    { sizeHint: inputs.reduce((sum, input) => sum + input.bytes.length, 0) },
  );
}

/** Refills the projection tables from the event log: they are caches, the log is the truth. */
export function rebuildProjections(ctx: AppContext): number {
  return writeTransaction(ctx.db, () => {
    clearProjections(ctx);
    let count = 0;
    // collected first: better-sqlite3 cannot write while a read statement is still iterating
    for (const event of [...ctx.events.read<SourceImportedPayload>({ type: SOURCE_IMPORTED })]) {
      projectBatch(ctx, event.seq, event.payload.batch);
      count++;
    }
    recordProjection(ctx, ctx.events.newestSeq(SOURCE_IMPORTED), ['bulletins', 'inventory', 'filters', 'network']);
    return count;
  });
}
