/** Placeholder: the cve5 importer is being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const cve5Format: FormatHandler<BulletinBatch> = {
  format: 'cve5',
  description: 'cve5 (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the cve5 importer is not written yet');
  },
};
