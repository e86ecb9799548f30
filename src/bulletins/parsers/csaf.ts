/** Placeholder: the csaf importer is being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const csafFormat: FormatHandler<BulletinBatch> = {
  format: 'csaf',
  description: 'csaf (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the csaf importer is not written yet');
  },
};
