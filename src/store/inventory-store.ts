/**
 * The inventory read model, cached from `source.imported` events of kind "inventory": every view each import
 * gave of a host, and the merged current assets (refreshed after each import). The log keeps the history.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../common/canonical-json';
import { mergeAssetViews, viewsOfBatch } from '../inventory/merge-assets';
import type { Asset, InventoryBatch } from '../inventory/model';

/** Call inside the transaction that appended the event. */
export function projectInventory(db: Database.Database, eventSeq: number, batch: InventoryBatch): void {
  const insert = db.prepare('INSERT INTO inventory_views (event_seq, position, view) VALUES (?, ?, ?)');
  viewsOfBatch(batch).forEach((view, i) => insert.run(eventSeq, i, canonicalJson(stampSeq(view, eventSeq))));
  refreshCurrent(db);
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

function refreshCurrent(db: Database.Database): void {
  const views = (
    db.prepare('SELECT view FROM inventory_views ORDER BY event_seq, position').all() as { view: string }[]
  ).map((r) => JSON.parse(r.view) as Asset);
  db.exec('DELETE FROM inventory_assets');
  const insert = db.prepare('INSERT INTO inventory_assets (id, ord, name, asset) VALUES (?, ?, ?, ?)');
  mergeAssetViews(views).forEach((asset, i) => insert.run(asset.id, i, asset.name, canonicalJson(asset)));
}

/** Stamps the import event's number onto every source in a view, so each fact traces back to its event. */
function stampSeq<T>(value: T, eventSeq: number): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (typeof object.format === 'string' && typeof object.document === 'string') object.eventSeq = eventSeq;
      Object.values(object).forEach(visit);
    }
  };
  const copy = JSON.parse(JSON.stringify(value)) as T;
  visit(copy);
  return copy;
}
