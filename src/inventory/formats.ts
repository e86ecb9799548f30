/** The inventory formats patchcall imports, in detection order (the fix lists before the CMDB, whose header test is looser). */
import type { FormatHandler } from '../common/format-handler';
import type { InventoryBatch } from './model';
import { awsInstancesFormat } from './parsers/aws-instances';
import { getHotfixFormat } from './parsers/get-hotfix';
import { nmapFormat } from './parsers/nmap';
import { osqueryPatchesFormat } from './parsers/osquery-patches';
import { createCmdbFormats, type CmdbColumnMapping } from './parsers/servicenow-cmdb';
import { cyclonedxFormat } from './parsers/cyclonedx';
import { osqueryPackagesFormat } from './parsers/osquery-packages';
import { createServiceNowSoftwareFormats, type SoftwareInstallationPolicy } from './parsers/servicenow-software';
import { spdxFormat } from './parsers/spdx';

/**
 * `mapping` renames CMDB columns for exports that are not ServiceNow's, and `softwareInstallations` says whether
 * the organization's software-installation export is complete (both from rules/cmdb-mapping.yaml).
 */
export function inventoryFormatsWith(
  mapping: CmdbColumnMapping = {},
  softwareInstallations?: SoftwareInstallationPolicy,
): FormatHandler<InventoryBatch>[] {
  return [
    nmapFormat,
    awsInstancesFormat,
    cyclonedxFormat,
    spdxFormat,
    osqueryPatchesFormat,
    osqueryPackagesFormat,
    getHotfixFormat,
    ...createServiceNowSoftwareFormats(softwareInstallations),
    ...createCmdbFormats(mapping),
  ];
}

export const inventoryFormats: FormatHandler<InventoryBatch>[] = inventoryFormatsWith();
