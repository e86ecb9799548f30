/**
 * The one shape both Microsoft forms of a CVRF document are read into (the XML the MSRC API serves and the JSON it
 * serves for the same id), so the mapping to an AdvisoryRecord is written once. Type names are CVRF's own words.
 */

/** Where an element is: an XML path (/cvrfdoc/Vulnerability[1]/…) or a JSON pointer, plus a line when known. */
export interface CvrfPlace {
  at: string;
  line?: number;
}

export interface CvrfText extends CvrfPlace {
  text: string;
}

export interface CvrfNote extends CvrfText {
  title?: string;
  /** General, Details, Description, Summary, FAQ, Legal Disclaimer, Other, or an MSRC extension such as Tag. */
  type: string;
}

export interface CvrfProductStatus extends CvrfPlace {
  /** Known Affected, Fixed, Known Not Affected … */
  type: string;
  productIds: string[];
}

export interface CvrfThreat extends CvrfPlace {
  /** Impact, Exploit Status, Target Set, or MSRC's Severity. */
  type: string;
  description: string;
  productIds: string[];
}

export interface CvrfScoreSet extends CvrfPlace {
  baseScore?: number;
  vector?: string;
  productIds: string[];
}

export interface CvrfRemediation extends CvrfPlace {
  /** Vendor Fix, Workaround, Mitigation, None Available, Will Not Fix, or MSRC's Known Issue and Release Notes. */
  type: string;
  description?: string;
  url?: string;
  supercedence?: string;
  restartRequired?: string;
  fixedBuild?: string;
  productIds: string[];
}

export interface CvrfVulnerability extends CvrfPlace {
  cve?: string;
  title?: string;
  notes: CvrfNote[];
  statuses: CvrfProductStatus[];
  threats: CvrfThreat[];
  scoreSets: CvrfScoreSet[];
  remediations: CvrfRemediation[];
}

export interface CvrfDocument {
  title?: string;
  id: CvrfText;
  alias?: string;
  version?: string;
  initialReleaseDate?: CvrfText;
  currentReleaseDate?: CvrfText;
  /** Name of the product tree's Vendor branch. */
  vendor?: string;
  products: { id: string; name: string; at: string }[];
  notes: CvrfNote[];
  vulnerabilities: CvrfVulnerability[];
}
