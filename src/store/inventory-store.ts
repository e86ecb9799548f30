/**
 * The inventory read model, cached from `source.imported` events of kind "inventory": every view each import
 * gave of a host, and the merged current assets (refreshed after each import). The log keeps the history.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../common/canonical-json';
import { groupHostViews, mergeHostViews, viewsOfBatch } from '../inventory/merge-assets';
import type { Asset, InventoryBatch } from '../inventory/model';

/**
 * Call inside the transaction that appended the event. An import written in parts (src/app/import-parts.ts) is
 * merged once, at its last part: the earlier parts' views are read back from the table then.
 */
export function projectInventory(
  db: Database.Database,
  eventSeq: number,
  batch: InventoryBatch,
  part?: { index: number; of: number },
): void {
  const views = insertViews(db, eventSeq, batch);
  if (part && part.index < part.of) return;
  refreshCurrent(db, eventSeq, views);
}

/** The parts of one import, just appended: their views are stored, then merged once with the older ones. */
export function projectInventoryParts(
  db: Database.Database,
  parts: { eventSeq: number; batch: InventoryBatch }[],
): void {
  const views = parts.flatMap(({ eventSeq, batch }) => insertViews(db, eventSeq, batch));
  refreshCurrent(db, parts[0]!.eventSeq, views);
}

function insertViews(db: Database.Database, eventSeq: number, batch: InventoryBatch): Asset[] {
  const insert = db.prepare('INSERT INTO inventory_views (event_seq, position, view) VALUES (?, ?, ?)');
  const views = viewsOfBatch(batch);
  views.forEach((view, i) => insert.run(eventSeq, i, canonicalJson(stampSeq(view, eventSeq))));
  return views;
}

export function clearInventory(db: Database.Database): void {
  db.exec('DELETE FROM inventory_views; DELETE FROM inventory_assets;');
}

/** The merged current assets, in order of first appearance. */
export function loadAssets(db: Database.Database): Asset[] {
  const rows = db.prepare('SELECT asset FROM inventory_assets ORDER BY ord').all() as { asset: string }[];
  return rows.map((row) => JSON.parse(row.asset) as Asset);
}

/** sha256 over the canonical JSON of the current merged inventory: the snapshot a decision was made on. */
export function inventoryDigest(db: Database.Database): string {
  return createHash('sha256')
    .update(canonicalJson(loadAssets(db)))
    .digest('hex');
}

/**
 * Merges every view again, the older ones (before event `firstNewSeq`) read back from the table one row at a time and
 * the new views (the newest, always projected last) taken as they were just stamped, so a 100,000-host import holds
 * each view once.
 */
function refreshCurrent(db: Database.Database, firstNewSeq: number, newViews: Asset[]): void {
  const views: Asset[] = [];
  const older = db.prepare('SELECT view FROM inventory_views WHERE event_seq < ? ORDER BY event_seq, position');
  for (const [view] of older.raw().iterate(firstNewSeq) as Iterable<[string]>) views.push(JSON.parse(view) as Asset);
  for (const view of newViews) views.push(view);
  db.exec('DELETE FROM inventory_assets');
  const insert = db.prepare('INSERT INTO inventory_assets (id, ord, name, asset) VALUES (?, ?, ?, ?)');
  // merged one host at a time, so the merged assets never all sit in memory beside the views
  groupHostViews(views).forEach((group, i) => {
    const asset = mergeHostViews(group);
    insert.run(asset.id, i, asset.name, canonicalJson(asset));
  });
}

/**
 * Stamps the import event's number onto every source in a view, so each fact traces back to its event. It stamps
 * the batch's own objects: the event holding the batch is already written, and a copy of a 100,000-host batch
 * would double the memory an import needs.
 */
function stampSeq<T>(value: T, eventSeq: number): T {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (typeof object.format === 'string' && typeof object.document === 'string') object.eventSeq = eventSeq;
      for (const child of Object.values(object)) stack.push(child);
    }
  }
  return value;
}
