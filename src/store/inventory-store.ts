/** The inventory read model, cached from `source.imported` events of kind "inventory". (Being written.) */
import type Database from 'better-sqlite3';
import type { InventoryBatch } from '../inventory/model';

export function projectInventory(_db: Database.Database, _eventSeq: number, _batch: InventoryBatch): void {}

export function clearInventory(_db: Database.Database): void {}
