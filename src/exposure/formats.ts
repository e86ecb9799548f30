/** The firewall and network-description formats patchcall imports, in detection order. */
import type { FormatHandler } from '../common/format-handler';
import type { FilterBatch } from './model';

export const filterFormats: FormatHandler<FilterBatch>[] = [];
