/** Placeholder: the CVRF importers are being written. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import type { BulletinBatch } from '../model';

export const cvrfFormat: FormatHandler<BulletinBatch> = {
  format: 'cvrf',
  description: 'cvrf (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the cvrf importer is not written yet');
  },
};

export const msrcJsonFormat: FormatHandler<BulletinBatch> = {
  format: 'msrc-json',
  description: 'msrc-json (not yet supported)',
  detect: () => false,
  parse: (doc) => {
    throw new InputError(doc.name, 'the msrc-json importer is not written yet');
  },
};
