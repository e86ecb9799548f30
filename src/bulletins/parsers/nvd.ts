/** Placeholder: the nvd importer is being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const nvdFormat: FormatHandler<BulletinBatch> = {
  format: 'nvd',
  description: 'nvd (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the nvd importer is not written yet');
  },
};
