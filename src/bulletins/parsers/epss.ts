/** Placeholder: the epss importer is being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const epssFormat: FormatHandler<BulletinBatch> = {
  format: 'epss',
  description: 'epss (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the epss importer is not written yet');
  },
};
