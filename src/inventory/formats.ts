/** The inventory formats patchcall imports, in detection order. */
import type { FormatHandler } from '../common/format-handler';
import type { InventoryBatch } from './model';

export const inventoryFormats: FormatHandler<InventoryBatch>[] = [];
