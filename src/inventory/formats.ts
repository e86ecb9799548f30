/** The inventory formats patchcall imports, in detection order (the fix lists before the CMDB, whose header test is looser). */
import type { FormatHandler } from '../common/format-handler';
import type { InventoryBatch } from './model';
import { createAwsInstancesFormat } from './parsers/aws-instances';
import { NO_PROVIDERS, type ProviderRules } from './providers';
import { getHotfixFormat } from './parsers/get-hotfix';
import type { NameTable } from './name-table';
import { createNmapFormat } from './parsers/nmap';
import { osqueryPatchesFormat } from './parsers/osquery-patches';
import { createCmdbFormats, type CmdbColumnMapping } from './parsers/servicenow-cmdb';
import { cyclonedxFormat } from './parsers/cyclonedx';
import { osqueryPackagesFormat } from './parsers/osquery-packages';
import { createServiceNowSoftwareFormats, type SoftwareInstallationPolicy } from './parsers/servicenow-software';
import { spdxFormat } from './parsers/spdx';

/**
 * `names` (rules/names, an organization's rows first) turns OS names into CPEs as scans and CMDB exports are read;
 * `mapping` renames CMDB columns for exports that are not ServiceNow's, and `softwareInstallations` says whether
 * the organization's software-installation export is complete (both from rules/cmdb-mapping.yaml); `providers`
 * (rules/providers.json) recognises provider-managed assets from managed_by/company columns and cloud tags.
 */
export function inventoryFormatsWith(
  names: NameTable,
  mapping: CmdbColumnMapping = {},
  softwareInstallations?: SoftwareInstallationPolicy,
  providers: ProviderRules = NO_PROVIDERS,
): FormatHandler<InventoryBatch>[] {
  return [
    createNmapFormat(names),
    createAwsInstancesFormat(providers),
    cyclonedxFormat,
    spdxFormat,
    osqueryPatchesFormat,
    osqueryPackagesFormat,
    getHotfixFormat,
    ...createServiceNowSoftwareFormats(softwareInstallations),
    ...createCmdbFormats(names, mapping, providers),
  ];
}
