/** The asset inventory model. (Being written: see the inventory importers.) */

export interface InventoryBatch {
  kind: 'inventory';
}
