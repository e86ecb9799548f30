/** Microsoft's security update documents: CVRF XML (cvrfdoc root) and the MSRC API's JSON form of the same document. */
import type { FormatHandler } from '../../common/format-handler';
import type { BulletinBatch } from '../model';
import { cvrfAdvisory } from './cvrf-advisory';
import { looksLikeMsrcJson, readMsrcJson } from './cvrf-msrc-json';
import { readCvrfXml } from './cvrf-xml';

export const cvrfFormat: FormatHandler<BulletinBatch> = {
  format: 'cvrf',
  description: 'CVRF 1.1/1.2 XML, as Microsoft MSRC publishes it (root element cvrfdoc)',
  detect: (doc) => doc.xmlRoot === 'cvrfdoc',
  parse: (doc) => ({
    kind: 'bulletins',
    advisories: [cvrfAdvisory(readCvrfXml(doc), { format: 'cvrf', document: doc.name })],
    cves: [],
  }),
};

export const msrcJsonFormat: FormatHandler<BulletinBatch> = {
  format: 'msrc-json',
  description: 'MSRC CVRF API JSON (api.msrc.microsoft.com/cvrf/v3.0/cvrf/<id>)',
  detect: (doc) => doc.json !== undefined && looksLikeMsrcJson(doc.json),
  parse: (doc) => ({
    kind: 'bulletins',
    advisories: [cvrfAdvisory(readMsrcJson(doc), { format: 'msrc-json', document: doc.name })],
    cves: [],
  }),
};
