/** Where a fact came from: every fact patchcall shows or reasons with keeps its source. */

/** Every input format patchcall imports: bulletin sources, inventory, firewalls, the network and the roster. */
export type SourceFormat =
  | 'csaf'
  | 'cvrf'
  | 'msrc-json'
  | 'kev'
  | 'epss'
  | 'nvd'
  | 'cve5'
  | 'osv'
  | 'bulletin'
  | 'manual'
  | 'servicenow-cmdb'
  | 'nmap'
  | 'aws-instances'
  | 'get-hotfix'
  | 'osquery-patches'
  | 'osquery-packages'
  | 'cyclonedx'
  | 'spdx'
  | 'servicenow-software'
  | 'iptables-save'
  | 'nft-json'
  | 'aws-security-groups'
  | 'azure-nsg'
  | 'network'
  | 'roster';

export interface SourceRef {
  format: SourceFormat;
  /** The file name, URL or "request body" the fact was read from. */
  document: string;
  /** A JSON pointer, XML path or line number inside the document, when it helps a reader find the fact. */
  locator?: string;
  /** Sequence number of the import event that brought the fact in; filled in when read back from the log. */
  eventSeq?: number;
}
