/** The network description format. (Being written.) */
import type { FormatHandler } from '../common/format-handler';
import type { NetworkBatch } from './network-model';

export const networkFormats: FormatHandler<NetworkBatch>[] = [];
