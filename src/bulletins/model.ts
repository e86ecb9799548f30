/**
 * The normalized bulletin: what every advisory format is parsed into, and what the rest of the pipeline reads.
 *
 * A source document contributes two kinds of records: an `AdvisoryRecord` (a vendor's or coordinator's bulletin
 * with an id of its own, such as MS08-067 or a CSAF tracking id) and `CveRecord`s (what a feed says about one CVE:
 * NVD, CVE JSON 5, KEV, EPSS). `mergeBulletin` folds the records of one advisory and of its CVEs into a `Bulletin`,
 * keeping every fact's source.
 */
import type { SourceRef } from '../common/provenance';

/** Identifiers a product is known by. Any may be missing; `name` is always there. */
export interface ProductRef {
  /** Id inside the source document (CSAF product_id, CVRF ProductID); meaningful only with `source`. */
  productId?: string;
  name: string;
  vendor?: string;
  /** CPE 2.3 formatted string; CPE 2.2 URIs are converted on import, the raw string kept in `cpeRaw`. */
  cpe?: string;
  cpeRaw?: string;
  purl?: string;
  /** Version range in the source's own syntax (vers:…, "<=8.1.1.3", NVD start/end fields rendered as text). */
  versionRange?: string;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
  /** One version, as a CSAF product_version or service_pack branch names it ("12.2(55)SE", "0:0.5-1.el7_9"). */
  version?: string;
  /** The product without its version, as a CSAF product_name branch names it ("IOS", "Cisco IOS XE Software"). */
  productName?: string;
  /** A CSAF relationship: this product is `relationship` (default_component_of, installed_on …) `platform`. */
  relationship?: string;
  platform?: { name: string; cpe?: string; cpeRaw?: string };
}

export type ProductStatus = 'affected' | 'fixed' | 'not_affected' | 'under_investigation' | 'recommended';

export interface ProductEntry extends ProductRef {
  status: ProductStatus;
  /** CVEs this status applies to; empty means every CVE of the advisory. */
  cves: string[];
  /** A VEX justification for not_affected (CSAF flags[].label, e.g. vulnerable_code_not_present). */
  justification?: string;
  /** An NVD cpeMatch: matching reads it through its configuration (`Bulletin.applicability`), not on its own. */
  viaConfiguration?: boolean;
  source: SourceRef;
}

/** One NVD cpeMatch: a CPE pattern with an optional version range; `vulnerable: false` marks a platform. */
export interface CpeCriterion {
  criteria: string;
  vulnerable: boolean;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
  source: SourceRef;
}

export interface ApplicabilityNode {
  operator: 'AND' | 'OR';
  negate: boolean;
  matches: CpeCriterion[];
}

/**
 * One NVD configuration, kept as the tree NVD publishes ("SMBv1 AND running on one of these Windows"): the nodes
 * combine with `operator` (OR when absent), each node's matches with its own operator, `negate` inverts.
 */
export interface Applicability {
  cve: string;
  operator: 'AND' | 'OR';
  negate: boolean;
  nodes: ApplicabilityNode[];
  source: SourceRef;
}

/** A dated or valued statement with its source (CSAF tracking, TLP, CWE, discovery date, CVSS temporal). */
export interface SourcedFact {
  cve?: string;
  value: string;
  source: SourceRef;
}

export type RemediationCategory = 'vendor_fix' | 'workaround' | 'mitigation' | 'none_available' | 'no_fix_planned';

export interface Remediation {
  category: RemediationCategory;
  /** Free text as the source gives it. */
  details: string;
  /** Vendor fix ids: KB958644 (always with the KB prefix), RHSA-…, a package version. */
  fixIds: string[];
  url?: string;
  /** Date the remediation became available, ISO 8601. */
  date?: string;
  /** true, false, or undefined when the source does not say ("Maybe" in MSRC is undefined with `restartDetails`). */
  restartRequired?: boolean;
  restartDetails?: string;
  /** Fix ids this remediation replaces (MSRC Supercedence, bulletin "replaces"). */
  supersedes: string[];
  productIds: string[];
  cves: string[];
  source: SourceRef;
}

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface Score {
  cve?: string;
  version: CvssVersion;
  baseScore: number;
  vector: string;
  severity?: string;
  /** Who scored it (NVD's source field, CISA-ADP, the CNA, the vendor). */
  scoredBy?: string;
  source: SourceRef;
}

export type ExploitationStatus = 'none' | 'poc' | 'active';

/** One source's statement about exploitation of a CVE. */
export interface ExploitationFact {
  cve?: string;
  status: ExploitationStatus;
  /** The words of the source, e.g. "Exploited:Yes" or "listed in CISA KEV on 2026-05-20". */
  evidence: string;
  date?: string;
  source: SourceRef;
}

/** CISA's SSVC decision values for a CVE (CVE JSON 5 ADP container "Vulnrichment"). */
export interface SsvcFact {
  cve: string;
  exploitation?: 'none' | 'poc' | 'active';
  automatable?: 'yes' | 'no';
  technicalImpact?: 'partial' | 'total';
  role?: string;
  version?: string;
  timestamp?: string;
  source: SourceRef;
}

export interface KevFact {
  cve: string;
  dateAdded: string;
  dueDate?: string;
  requiredAction?: string;
  knownRansomwareCampaignUse?: string;
  vendorProject?: string;
  product?: string;
  vulnerabilityName?: string;
  notes?: string;
  source: SourceRef;
}

export interface EpssFact {
  cve: string;
  /** Probability of exploitation activity in the next 30 days, 0..1. */
  score: number;
  percentile: number;
  modelVersion?: string;
  scoreDate?: string;
  source: SourceRef;
}

export interface Reference {
  url: string;
  tags: string[];
  source: SourceRef;
}

export interface TextFact {
  cve?: string;
  text: string;
  source: SourceRef;
}

/** A port that carries the vulnerable service, stated by the bulletin (hand-written) or derived later from rules/. */
export interface PortSpec {
  protocol: 'tcp' | 'udp';
  port: number;
}

/** One source document's bulletin-level statement. */
export interface AdvisoryRecord {
  id: string;
  title?: string;
  vendor?: string;
  publisher?: string;
  /** Revision or version of the document as the source numbers it. */
  revision?: string;
  /** ISO 8601 with an explicit offset; a source without a zone is read as UTC and says so in `releasedAtNote`. */
  releasedAt?: string;
  releasedAtNote?: string;
  updatedAt?: string;
  severity?: string;
  /** The publisher's role (CSAF publisher.category: vendor, coordinator, …): a coordinator's date is not the vendor's. */
  publisherCategory?: string;
  /** Traffic Light Protocol label (CSAF document.distribution.tlp.label). */
  tlp?: string;
  /** CWE ids stated by the advisory, per CVE. */
  cwes?: SourcedFact[];
  /** When each vulnerability was discovered (CSAF vulnerabilities[].discovery_date). */
  discoveryDates?: SourcedFact[];
  cves: string[];
  products: ProductEntry[];
  remediations: Remediation[];
  scores: Score[];
  exploitation: ExploitationFact[];
  references: Reference[];
  notes: TextFact[];
  vulnerablePorts: PortSpec[];
  /** Automatable as stated by the bulletin itself (hand-written "wormable: true"). */
  automatable?: 'yes' | 'no';
  source: SourceRef;
}

/** What one source says about one CVE. Optional parts are absent when the source does not speak to them. */
export interface CveRecord {
  cve: string;
  title?: string;
  published?: string;
  lastModified?: string;
  descriptions: TextFact[];
  products: ProductEntry[];
  /** NVD configurations, as trees. */
  applicability?: Applicability[];
  scores: Score[];
  exploitation: ExploitationFact[];
  ssvc?: SsvcFact;
  kev?: KevFact;
  epss?: EpssFact;
  cwes: string[];
  references: Reference[];
  source: SourceRef;
}

/** What parsing one bulletin-source document yields. */
export interface BulletinBatch {
  kind: 'bulletins';
  advisories: AdvisoryRecord[];
  cves: CveRecord[];
  /** An EPSS bulk file, kept column-wise instead of as `cves`; `epssRecord` turns one row into its CveRecord. */
  epssTable?: EpssTable;
}

/**
 * The scores of one EPSS file. A daily file has ~300,000 rows: as CveRecords with their sources the import event
 * would be ~40 times larger, and hashing it canonically (an array element at a time) several times slower, so the
 * validated rows are kept as one string.
 */
export interface EpssTable {
  modelVersion?: string;
  scoreDate?: string;
  /** The document; a row's own source adds `line firstLine + i`. */
  source: SourceRef;
  /** Line of the first data row; rows are on consecutive lines. */
  firstLine: number;
  rowCount: number;
  /** The rows as validated, `cve,epss,percentile` each, separated by single spaces (no newline to escape in JSON). */
  rows: string;
}

export type CycleVerdict =
  | { status: 'out-of-cycle'; reason: string }
  | { status: 'in-cycle'; reason: string }
  | { status: 'unknown'; reason: string };

/** The merged view of one bulletin: its advisory records and every CVE record for its CVEs. */
export interface Bulletin {
  id: string;
  title?: SourcedText;
  vendor?: SourcedText;
  releasedAt?: SourcedText;
  cves: string[];
  products: ProductEntry[];
  remediations: Remediation[];
  /** Vendor fix ids across remediations (KB958644 …), for a quick read. */
  fixIds: string[];
  /** true when any source says a restart is required. */
  restartRequired?: { value: boolean; source: SourceRef };
  scores: Score[];
  exploitation: ExploitationFact[];
  ssvc: SsvcFact[];
  kev: KevFact[];
  epss: EpssFact[];
  references: Reference[];
  descriptions: TextFact[];
  cwes: string[];
  vulnerablePorts: PortSpec[];
  /** The bulletin's own workarounds and mitigations, quoted: the only blocks a plan may call "the bulletin's". */
  workarounds?: SourcedText[];
  /** NVD configurations of its CVEs, read as trees by matching. */
  applicability?: Applicability[];
  /** The advisory's tracking and classification, each with its source. */
  publisher?: SourcedText;
  revision?: SourcedText;
  updatedAt?: SourcedText;
  severity?: SourcedText;
  tlp?: SourcedText;
  cweFacts?: SourcedFact[];
  discoveryDates?: SourcedFact[];
  /** CVSS temporal Exploit Code Maturity (E:U/P/F/H) from any score vector: evidence about code, not use. */
  exploitCodeMaturity?: SourcedFact[];
  automatable?: { value: 'yes' | 'no'; source: SourceRef };
  cycle: CycleVerdict;
  /** Every document that contributed, oldest import first. */
  sources: SourceRef[];
}

export interface SourcedText {
  value: string;
  source: SourceRef;
}
