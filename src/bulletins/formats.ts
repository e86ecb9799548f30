/** The bulletin formats patchcall imports, in detection order (most specific first). */
import type { FormatHandler } from '../common/format-handler';
import type { BulletinBatch } from './model';
import { csafFormat } from './parsers/csaf';
import { cvrfFormat, msrcJsonFormat } from './parsers/cvrf';
import { kevFormat } from './parsers/kev';
import { epssFormat } from './parsers/epss';
import { nvdFormat } from './parsers/nvd';
import { cve5Format } from './parsers/cve5';
import { osvFormat } from './parsers/osv';
import { handwrittenFormat } from './parsers/handwritten';

export const bulletinFormats: FormatHandler<BulletinBatch>[] = [
  csafFormat,
  cvrfFormat,
  msrcJsonFormat,
  kevFormat,
  nvdFormat,
  cve5Format,
  osvFormat,
  epssFormat,
  handwrittenFormat,
];
