/** Placeholder: the kev importer is being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const kevFormat: FormatHandler<BulletinBatch> = {
  format: 'kev',
  description: 'kev (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the kev importer is not written yet');
  },
};
