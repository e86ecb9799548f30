/**
 * The firewall formats patchcall imports, in detection order. Each detector looks at content, not file names:
 * the JSON ones at their top-level keys (`nftables`, `SecurityGroups`, an NSG resource type), iptables-save at
 * its `*table` headers and `:CHAIN POLICY [p:b]` lines.
 */
import type { FormatHandler } from '../common/format-handler';
import type { FilterBatch } from './model';
import { awsSecurityGroupsFormat } from './parsers/aws-security-groups';
import { azureNsgFormat } from './parsers/azure-nsg';
import { iptablesSaveFormat } from './parsers/iptables-save';
import { nftablesJsonFormat } from './parsers/nftables-json';

export const filterFormats: FormatHandler<FilterBatch>[] = [
  nftablesJsonFormat,
  awsSecurityGroupsFormat,
  azureNsgFormat,
  iptablesSaveFormat,
];
