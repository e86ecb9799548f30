/**
 * A large inventory is recorded as several `source.imported` events, its parts, appended in ONE transaction: the
 * import stays all-or-nothing, and no event's JSON is the whole document. As one event, 100,000 CMDB rows made a
 * 107 MB payload whose canonical form, UTF-8 copy, SQLite copy and hash took 750 MB at once (issue 15).
 *
 * Each part is a whole `SourceImportedPayload` (the same format, document, sha256 and name) whose batch holds a slice
 * of the assets, plus `part: { index, of }`; the fixes and warnings ride in the last part, so the views come out in the
 * order one event would give. Readers that project events one by one (`audit rebuild`, the tables check) merge the
 * inventory once, at the last part.
 */
import type { InventoryBatch } from '../inventory/model';
import type { AppContext } from './app-context-type';
import type { ImportBatch } from './formats';
import { projectBatch, type ImportPart } from './project-batch';

export type { ImportPart };
import { projectInventoryParts } from '../store/inventory-store';
import { SOURCE_IMPORTED } from './lookup-tables';

/**
 * Assets per part: about 0.5 MB of JSON for CMDB rows with every column filled. Small parts matter: each part's
 * canonical JSON dies young, where 5,000 assets a part left 400 MB of garbage for V8 to collect late.
 */
export const ASSETS_PER_PART = 500;

interface ImportEvent<P> {
  stream: string;
  actor: string;
  payload: P & { batch: ImportBatch };
}

/**
 * Appends the import's event (or its parts) and projects it, inside the caller's transaction. Returns the sequence
 * number of the last event written: the tables are up to date once it is projected.
 */
export function appendImport<P>(ctx: AppContext, event: ImportEvent<P>, assetsPerPart = ASSETS_PER_PART): number {
  const { batch } = event.payload;
  if (batch.kind !== 'inventory' || batch.assets.length <= assetsPerPart) {
    const stored = ctx.events.append({ type: SOURCE_IMPORTED, ...event });
    // the tables hold canonical JSON, so `audit rebuild` (projecting the batch read back from the log) gives the same bytes
    projectBatch(ctx, stored.seq, batch);
    return stored.seq;
  }
  const parts = splitInventory(batch, assetsPerPart);
  const written = parts.map((part, i) => {
    const payload = { ...event.payload, batch: part, part: { index: i + 1, of: parts.length } };
    return { eventSeq: ctx.events.append({ type: SOURCE_IMPORTED, ...event, payload }).seq, batch: part };
  });
  projectInventoryParts(ctx.db, written);
  return written[written.length - 1]!.eventSeq;
}

function splitInventory(batch: InventoryBatch, assetsPerPart: number): InventoryBatch[] {
  const parts: InventoryBatch[] = [];
  for (let start = 0; start < batch.assets.length; start += assetsPerPart)
    parts.push({ kind: 'inventory', assets: batch.assets.slice(start, start + assetsPerPart), fixes: [] });
  const last = parts[parts.length - 1]!;
  last.fixes = batch.fixes;
  if (batch.warnings) last.warnings = batch.warnings;
  return parts;
}
