/** SourceRefs for inventory documents: one place that names the inventory formats. */
import type { SourceFormat, SourceRef } from '../common/provenance';

export type InventoryFormat = Extract<
  SourceFormat,
  | 'servicenow-cmdb'
  | 'nmap'
  | 'aws-instances'
  | 'get-hotfix'
  | 'osquery-patches'
  | 'osquery-packages'
  | 'cyclonedx'
  | 'spdx'
  | 'servicenow-software'
>;

export function inventorySource(format: InventoryFormat, document: string, locator?: string): SourceRef {
  return locator === undefined ? { format, document } : { format, document, locator };
}
