/**
 * `patchcall import`: parse every input whole, then record them all in one transaction: one `source.imported`
 * event per document (a large inventory: several, src/app/import-parts.ts), with the projections updated in the same
 * transaction. Any bad input stores nothing.
 */
import { createHash } from 'node:crypto';
import { InputError, PatchcallError } from '../common/errors';
import type { SniffedDocument } from '../common/format-handler';
import { assignBatchToAsset } from '../inventory/software';
import { loadFilters } from '../store/exposure-store';
import type { AppContext } from './app-context-type';
import { chooseFormat, formatsFor, type ImportBatch } from './formats';
import { refuseUnknownFilters } from './network-filters';
import { clearProjections, describeBatch, projectBatch } from './project-batch';
import { assertTablesMatchLog, recordProjection, SOURCE_IMPORTED } from './lookup-tables';
import { writeTransaction } from '../store/write-transaction';
import { appendImport, type ImportPart } from './import-parts';

export { SOURCE_IMPORTED };

export interface SourceImportedPayload {
  format: string;
  document: string;
  sha256: string;
  bytes: number;
  batch: ImportBatch;
  /** The filter name given with `import --name`, when one was. */
  name?: string;
  /** Set when a large inventory was written as several events (src/app/import-parts.ts). */
  part?: ImportPart;
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

export interface ImportOptions {
  format?: string;
  actor: string;
  onProgress?: ImportProgress;
  name?: string;
  asset?: string;
  locale?: string;
}

export function importDocuments(ctx: AppContext, inputs: ImportInput[], options: ImportOptions): ImportOutcome[] {
  return recordParsedImport(ctx, parseImport(ctx, inputs, options), options);
}

/**
 * Reads and checks every input whole, before anything is stored: nothing here depends on the log, so on PostgreSQL
 * this runs before the append lock is taken (src/app/patchcall.ts) and a large file never holds the other replicas up.
 */
export function parseImport(ctx: AppContext, inputs: ImportInput[], options: ImportOptions): ParsedImport {
  if (options.name !== undefined && !FILTER_NAME.test(options.name))
    throw new PatchcallError(
      'USAGE',
      `--name takes a filter name of letters, digits and _ . : - (as the network description writes it), not "${options.name}"`,
    );
  return {
    parsed: parseInputs(ctx, inputs, options),
    bytes: inputs.reduce((sum, input) => sum + input.bytes.length, 0),
  };
}

/**
 * Records what `parseImport` read, all or nothing, under the write lock. What depends on the log is decided here,
 * against the head as of the lock: the filters a network description names, and which documents are repeats.
 */
export function recordParsedImport(
  ctx: AppContext,
  parsedImport: ParsedImport,
  options: ImportOptions,
): ImportOutcome[] {
  const { parsed } = parsedImport;
  return writeTransaction(
    ctx.db,
    () => {
      // the tables are checked inside the write lock: nothing is projected onto tables that disagree with the log
      assertTablesMatchLog(ctx);
      const filterNames = new Set([
        ...loadFilters(ctx.db).map((f) => f.name),
        ...parsed.flatMap(({ batch }) => (batch.kind === 'filters' ? batch.filters.map((f) => f.name) : [])),
      ]);
      for (const { batch } of parsed) if (batch.kind === 'network') refuseUnknownFilters(batch.network, filterNames);
      const outcomes = parsed.map((document, i): ImportOutcome => {
        const outcome = recordDocument(ctx, document, options);
        if (outcome.status === 'imported') options.onProgress?.('store', i + 1, parsed.length);
        return outcome;
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
    { sizeHint: parsedImport.bytes },
  );
}

/** Inputs read and checked, not yet stored. */
export interface ParsedImport {
  parsed: ParsedInput[];
  bytes: number;
}

interface ParsedInput {
  input: ImportInput;
  format: string;
  batch: ImportBatch;
  sha256: string;
}

/** Every input parsed whole, in its detected (or given) format, before anything is stored. */
function parseInputs(ctx: AppContext, inputs: ImportInput[], options: ImportOptions): ParsedInput[] {
  const formats = formatsFor(ctx.rules);
  return inputs.map((input, i) => {
    const doc = {
      ...input.doc,
      ...(options.asset ? { assetName: options.asset } : {}),
      ...(options.locale ? { locale: options.locale } : {}),
    };
    const handler = chooseFormat(doc, options.format, formats);
    const parsedBatch = withAsset(handler.parse(doc), doc.name, options.asset);
    const batch = options.name === undefined ? parsedBatch : named(doc.name, parsedBatch, options.name);
    options.onProgress?.('parse', i + 1, inputs.length);
    return { input, format: handler.format, batch, sha256: createHash('sha256').update(input.bytes).digest('hex') };
  });
}

/** One document's `source.imported` event and its projection, or the earlier event of the same statement. */
function recordDocument(ctx: AppContext, parsed: ParsedInput, options: ImportOptions): ImportOutcome {
  const { input, format, batch, sha256 } = parsed;
  const summary = {
    kind: batch.kind,
    summary: describeBatch(batch),
    warnings: batch.kind === 'inventory' ? (batch.warnings ?? []) : [],
  };
  // the same SBOM said of another asset is another statement, not a repeat
  const stream = options.asset ? `source:${sha256}:asset:${options.asset.toLowerCase()}` : `source:${sha256}`;
  // the same bytes under another filter name are a new fact too (the firewall the network description expects)
  const previous = [...ctx.events.read<SourceImportedPayload>({ stream, type: SOURCE_IMPORTED })].find(
    (event) => event.payload.name === options.name,
  );
  if (previous) {
    return { document: input.doc.name, format, sha256, status: 'unchanged', eventSeq: previous.seq, ...summary };
  }
  const payload: SourceImportedPayload = {
    format,
    document: input.doc.name,
    sha256,
    bytes: input.bytes.length,
    batch,
    ...(options.name !== undefined ? { name: options.name } : {}),
  };
  const eventSeq = appendImport(ctx, { stream, actor: options.actor, payload });
  return { document: input.doc.name, format, sha256, status: 'imported', eventSeq, ...summary };
}

const FILTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * `import --name edge`: the file's one ruleset becomes the filter `edge`, whatever the file is called, so the
 * IPv4 and IPv6 dumps of one firewall can be imported under one name and are joined.
 */
function named(document: string, batch: ImportBatch, name: string): ImportBatch {
  if (batch.kind !== 'filters')
    throw new PatchcallError('USAGE', `--name names a firewall; ${document} holds ${describeBatch(batch)}`);
  const names = [...new Set(batch.filters.map((f) => f.name))];
  if (names.length !== 1)
    throw new PatchcallError(
      'USAGE',
      `--name names one filter; ${document} holds ${names.length} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}), which keep their own names`,
    );
  return { ...batch, filters: batch.filters.map((f) => ({ ...f, name })) };
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
  return writeTransaction(ctx.db, () => {
    clearProjections(ctx);
    let count = 0;
    // collected first: better-sqlite3 cannot write while a read statement is still iterating
    for (const event of [...ctx.events.read<SourceImportedPayload>({ type: SOURCE_IMPORTED })]) {
      projectBatch(ctx, event.seq, event.payload.batch, event.payload.part);
      count++;
    }
    recordProjection(ctx, ctx.events.newestSeq(SOURCE_IMPORTED), ['bulletins', 'inventory', 'filters', 'network']);
    return count;
  });
}
