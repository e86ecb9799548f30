/** The inventory formats patchcall imports, in detection order (the fix lists before the CMDB, whose header test is looser). */
import type { FormatHandler } from '../common/format-handler';
import type { InventoryBatch } from './model';
import { awsInstancesFormat } from './parsers/aws-instances';
import { getHotfixFormat } from './parsers/get-hotfix';
import { nmapFormat } from './parsers/nmap';
import { osqueryPatchesFormat } from './parsers/osquery-patches';
import { createCmdbFormats, type CmdbColumnMapping } from './parsers/servicenow-cmdb';

/** `mapping` renames CMDB columns for exports that are not ServiceNow's (rules/cmdb-mapping.yaml). */
export function inventoryFormatsWith(mapping: CmdbColumnMapping = {}): FormatHandler<InventoryBatch>[] {
  return [nmapFormat, awsInstancesFormat, osqueryPatchesFormat, getHotfixFormat, ...createCmdbFormats(mapping)];
}
