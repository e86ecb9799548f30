/** Provenance for imported filters, and the filter name a file gives when it holds one ruleset. */
import { basename } from 'node:path';
import type { SourceFormat, SourceRef } from '../../common/provenance';

export type FilterFormat = Extract<SourceFormat, 'iptables-save' | 'nft-json' | 'aws-security-groups' | 'azure-nsg'>;

export function filterSource(format: FilterFormat, document: string, locator?: string): SourceRef {
  return locator === undefined ? { format, document } : { format, document, locator };
}

/**
 * A host's ruleset is named after its file, up to the first dot: `edge.iptables-save` → `edge`,
 * `/etc/fw/dmz.nft.json` → `dmz`. Dots are cut because dumps are saved as `<host>.<tool>[.<ext>]`.
 */
export function filterBaseName(document: string): string {
  const base = basename(document);
  const stem = base.split('.')[0] ?? '';
  return stem === '' ? base : stem;
}
