/** SourceRefs for inventory documents: one place that names the inventory formats. */
import type { SourceFormat, SourceRef } from '../common/provenance';

export type InventoryFormat = 'servicenow-cmdb' | 'nmap' | 'aws-instances' | 'get-hotfix' | 'osquery-patches';

export function inventorySource(format: InventoryFormat, document: string, locator?: string): SourceRef {
  // SourceFormat in common/provenance.ts does not list the inventory formats yet; the widening is asked of its owner.
  const widened = format as string as SourceFormat;
  return locator === undefined ? { format: widened, document } : { format: widened, document, locator };
}
