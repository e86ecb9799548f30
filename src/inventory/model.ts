/**
 * The asset inventory model: what every inventory source (CMDB CSV/JSON, nmap XML, AWS describe-instances,
 * Get-HotFix, osquery) is parsed into, and what matching and exposure read.
 */
import type { SourceRef } from '../common/provenance';

export type Environment = 'production' | 'staging' | 'development' | 'test' | 'unknown';
export type Criticality = 'low' | 'medium' | 'high' | 'critical' | 'unknown';
export type PortState = 'open' | 'closed' | 'filtered' | 'open|filtered' | 'closed|filtered' | 'unfiltered';

export interface ObservedService {
  protocol: 'tcp' | 'udp' | 'sctp';
  port: number;
  state: PortState;
  /** nmap's service name, product and version as reported (e.g. "microsoft-ds", "Samba smbd", "4.6.2"). */
  name?: string;
  product?: string;
  version?: string;
  /** When and from where it was seen: a scan is one vantage point only. */
  seenAt?: string;
  source: SourceRef;
}

export interface OsIdentity {
  /** As the source wrote it: "Microsoft Windows Server 2003 SP2", "Windows 2000 Server", "cpe:/o:microsoft:windows_2000::sp4". */
  raw: string;
  /** CPE 2.3 where derivable. */
  cpe?: string;
  /** 0-100 for scan guesses; 100 for CMDB and agent data. */
  confidence: number;
  /** How the source knows: its own record (CMDB, agent), SMB's answer, a service banner, a TCP/IP fingerprint, cloud metadata. */
  method?: OsMethod;
  /** What the OS-name table says about an ambiguous name ("NT 6.1 is Windows 7 or Windows Server 2008 R2"). */
  note?: string;
  /**
   * The name the importer looked up in the OS name table (not a CPE the source gave): matching looks it up again in
   * the rules folder's current tables, so a row added after the import applies to this host too.
   */
  named?: { name: string; servicePack?: string };
  source: SourceRef;
}

export type OsMethod = 'inventory' | 'smb' | 'service' | 'fingerprint' | 'cloud';

/** What a piece of installed software is, as the source classifies it. */
export type SoftwareKind =
  | 'operating-system'
  | 'os-package'
  | 'application'
  | 'library'
  | 'framework'
  | 'container'
  | 'firmware'
  | 'device'
  | 'service'
  | 'other';

/** The package manager (or installer registry) that installed it; the ecosystem whose version scheme applies. */
export type PackageManager =
  | 'rpm'
  | 'deb'
  | 'apk'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'nuget'
  | 'gem'
  | 'golang'
  | 'cargo'
  | 'composer'
  | 'chocolatey'
  | 'homebrew'
  | 'windows-programs';

/**
 * One product installed on the asset, as one source saw it. Identifiers are kept only when the source states them
 * (a purl or CPE is never invented from a name): matching by name alone is weaker and says so.
 */
export interface InstalledSoftware {
  /** The package or product name as the source wrote it ("tomcat", "log4j-core", "@loopback/rest", "Adobe Flash Player 32 NPAPI"). */
  name: string;
  /** In the ecosystem's own form: RPM "1:9.0.62-1.el8" (epoch:version-release), dpkg "1:2.3-4", Maven "2.14.1". */
  version?: string;
  /** Publisher, supplier or group as stated (CycloneDX supplier/publisher, osquery publisher, ServiceNow publisher). */
  vendor?: string;
  /** Package URL as stated by the source or built from a package manager's own fields (rpm name/epoch/arch). */
  purl?: string;
  /** CPE 2.3 formatted string, when the source gives one (SBOM cpe, nmap <cpe>). */
  cpe?: string;
  kind: SoftwareKind;
  packageManager?: PackageManager;
  /** Where on the host it was found (a jar inside a war, a site-packages path), when the source says. */
  location?: string;
  /** Install date as ISO 8601 (date or date-time), when the source says. */
  installedOn?: string;
  /** The `SoftwareInventory.kind` of the inventory that lists it, so completeness can be checked per kind. */
  inventory: SoftwareInventoryKind;
  source: SourceRef;
}

/**
 * The kinds of software inventory: one per package manager (an osquery package table is the whole of its own
 * package manager), 'sbom' (a CycloneDX or SPDX document for the host or image), 'software-installations' (a CMDB
 * installation export) and 'service-scan' (nmap -sV banners: evidence, never complete).
 */
export type SoftwareInventoryKind =
  | 'rpm'
  | 'deb'
  | 'npm'
  | 'pypi'
  | 'chocolatey'
  | 'windows-programs'
  | 'sbom'
  | 'software-installations'
  | 'service-scan';

/**
 * One source's inventory of one kind for the asset, and whether it claims to be complete: only a complete
 * inventory lets matching prove "not affected" by absence. `completeBecause` says why (or why not) in words.
 */
export interface SoftwareInventory {
  kind: SoftwareInventoryKind;
  complete: boolean;
  completeBecause: string;
  /** What the inventory describes when it is narrower than the host (an SBOM of one container image). */
  subject?: string;
  /** When the inventory was taken, when the source says. */
  takenAt?: string;
  source: SourceRef;
}

/** Two sources that disagree about a host; kept and shown, never silently resolved. */
export interface AssetConflict {
  field: string;
  values: { value: string; source: SourceRef }[];
  note: string;
}

export interface Asset {
  /** Stable key: the CMDB sys_id or name, the cloud instance id, else the first address. */
  id: string;
  /** The name the inventory gives; what every report shows. */
  name: string;
  addresses: string[];
  hostnames: string[];
  /** The preferred OS identity (CMDB/agent > SMB script > service CPE > fingerprint), plus every candidate. */
  os?: OsIdentity;
  osCandidates: OsIdentity[];
  services: ObservedService[];
  /** KB ids with the "KB" prefix, upper case. */
  installedFixes: { id: string; installedOn?: string; source: SourceRef }[];
  /** Installed software from every software inventory (SBOM, package tables, CMDB installations, scans). */
  software: InstalledSoftware[];
  /** The inventories that listed it, with their completeness: the proof (or not) that absent means not installed. */
  softwareInventories: SoftwareInventory[];
  criticality: Criticality;
  environment: Environment;
  owner?: string;
  /** Who applies patches: the team itself, or a provider (then `provider` names it and `patchSlaDays` the contract). */
  patchedBy: 'self' | 'provider';
  provider?: string;
  patchSlaDays?: number;
  /** Cluster or load-balanced pool this asset is a member of (redundancy lowers the cost of a restart). */
  cluster?: string;
  tags: string[];
  /** A retired CMDB record (install_status 7): kept, never counted as affected. */
  retired: boolean;
  /** Cloud security groups attached to the instance (AWS group ids), the asset's host filters. */
  securityGroupIds: string[];
  conflicts: AssetConflict[];
  sources: SourceRef[];
}

/** One source's view of assets; the store merges views of the same asset across sources and imports. */
export interface InventoryBatch {
  kind: 'inventory';
  /** Partial assets as the source sees them; merged by id, name or address in the store. */
  assets: Asset[];
  /** Fix lists (Get-HotFix, osquery) that name hosts but carry nothing else. */
  fixes: { host: string; id: string; installedOn?: string; source: SourceRef }[];
  /**
   * What the import accepted with a field left unknown, each naming the file, the place and the value
   * ("cmdb.csv line 12: business criticality \"5 - not critical\" is no ServiceNow choice; imported as unknown").
   */
  warnings?: string[];
}

export type MatchStatus = 'affected' | 'patched' | 'not_affected' | 'unknown' | 'retired';

export interface AssetMatch {
  asset: Asset;
  status: MatchStatus;
  /** Why, in words: "OS cpe:2.3:o:microsoft:windows_server_2003:-:sp2 matches NVD configuration …". */
  reasons: string[];
  /** The bulletin product entries that matched. */
  matchedProducts: string[];
  /** An unknown whose name matched but whose version could not be compared: "possibly affected". */
  possiblyAffected?: boolean;
  /** The documents the verdict rests on: advisory entries and inventory records. */
  sources?: SourceRef[];
}
