/** A SourceRef in the words a stakeholder reads: "CISA KEV (known_exploited_vulnerabilities.json)". */
import { basename } from 'node:path';
import type { SourceRef } from '../common/provenance';

const NAMES: Record<string, string> = {
  csaf: 'the CSAF advisory',
  cvrf: "Microsoft's CVRF document",
  'msrc-json': "Microsoft's security update data",
  kev: 'CISA KEV',
  epss: 'FIRST EPSS',
  nvd: 'NVD',
  cve5: "CISA's CVE record",
  bulletin: 'the bulletin',
  manual: 'a manual entry',
};

export function describeSource(source: SourceRef): string {
  return `${NAMES[source.format] ?? source.format} (${basename(source.document)})`;
}
