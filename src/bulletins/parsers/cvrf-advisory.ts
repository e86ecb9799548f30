/** A Microsoft CVRF document (from XML or MSRC JSON) as an AdvisoryRecord: products, fixes with KB numbers, exploit status. */
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import type { SourceRef } from '../../common/provenance';
import type {
  AdvisoryRecord,
  CvssVersion,
  ExploitationFact,
  ExploitationStatus,
  ProductEntry,
  ProductStatus,
  Reference,
  Remediation,
  RemediationCategory,
  Score,
  TextFact,
} from '../model';
import type { CvrfDocument, CvrfRemediation, CvrfText, CvrfVulnerability } from './cvrf-document';
import { normalizeFixId } from './handwritten';

const STATUS_OF: Record<string, ProductStatus> = {
  'First Affected': 'affected',
  'Known Affected': 'affected',
  'Last Affected': 'affected',
  'First Fixed': 'fixed',
  Fixed: 'fixed',
  'Known Not Affected': 'not_affected',
  'Under Investigation': 'under_investigation',
  Recommended: 'recommended',
};

const REMEDIATION_OF: Record<string, RemediationCategory> = {
  'Vendor Fix': 'vendor_fix',
  Workaround: 'workaround',
  Mitigation: 'mitigation',
  'None Available': 'none_available',
  'Will Not Fix': 'no_fix_planned',
};

/** Note types that say something about the vulnerability; tags, CNA names and disclaimers do not. */
const KEPT_NOTE_TYPES = new Set(['General', 'Details', 'Description', 'Summary', 'FAQ', 'Other']);

/** MSRC's severity words, mildest first: the advisory's severity is the highest any product gets. */
const SEVERITIES = ['Low', 'Moderate', 'Important', 'Critical'];

const CVE_ID = /\bCVE-\d{4}-\d{4,}\b/g;

export function cvrfAdvisory(cvrf: CvrfDocument, source: SourceRef): AdvisoryRecord {
  const file = source.document;
  const at = (locator: string): SourceRef => ({ ...source, locator });
  const readDate = (date: CvrfText): { iso: string; assumedUtc: boolean } => {
    const reading = readIsoDate(date.text);
    if (!reading.ok)
      throw new InputError(file, reading.problem, { ...(date.line ? { line: date.line } : {}), pointer: date.at });
    return reading;
  };
  const released = cvrf.initialReleaseDate ? readDate(cvrf.initialReleaseDate) : undefined;
  const updated = cvrf.currentReleaseDate ? readDate(cvrf.currentReleaseDate) : undefined;
  const vendor = cvrf.vendor ?? 'Microsoft';
  const names = new Map(cvrf.products.map((product) => [product.id, product.name]));

  const found: Found = {
    products: new Map(),
    remediations: [],
    scores: [],
    exploitation: [],
    references: [],
    notes: noteFacts(cvrf.notes, [], at),
    severities: new Set(),
  };
  const advisoryCves: string[] = [];

  for (const vulnerability of cvrf.vulnerabilities) {
    const cves = cvesOf(vulnerability);
    for (const cve of cves) if (!advisoryCves.includes(cve)) advisoryCves.push(cve);
    const cve = cves.length === 1 ? { cve: cves[0]! } : {};
    const read: VulnerabilityReading = { found, cves, cve, vendor, at };
    readStatuses(read, vulnerability, names);
    readThreats(read, vulnerability);
    readScores(read, vulnerability);
    readRemediations(read, vulnerability);
    if (vulnerability.title)
      found.notes.push({ ...cve, text: vulnerability.title, source: at(`${vulnerability.at}/Title`) });
    found.notes.push(...noteFacts(vulnerability.notes, cves, at));
  }
  const { products, remediations, scores, exploitation, references, notes, severities } = found;

  if (cvrf.alias) notes.push({ text: `MSRC id ${cvrf.id.text}, alias ${cvrf.alias}`, source: at(cvrf.id.at) });
  const severity = [...severities].sort((a, b) => SEVERITIES.indexOf(b) - SEVERITIES.indexOf(a))[0];

  return {
    id: advisoryId(cvrf.id.text, released?.iso),
    ...(cvrf.title ? { title: cvrf.title } : {}),
    vendor,
    publisher: vendor,
    ...(cvrf.version ? { revision: cvrf.version } : {}),
    ...(released ? { releasedAt: released.iso } : {}),
    ...(released?.assumedUtc ? { releasedAtNote: 'no time zone given; read as UTC' } : {}),
    ...(updated ? { updatedAt: updated.iso } : {}),
    ...(severity ? { severity } : {}),
    cves: advisoryCves,
    products: [...products.values()],
    remediations,
    scores,
    exploitation,
    references,
    notes,
    vulnerablePorts: [],
    source,
  };
}

/** What the vulnerabilities of one document add up to. */
interface Found {
  products: Map<string, ProductEntry>;
  remediations: Remediation[];
  scores: Score[];
  exploitation: ExploitationFact[];
  references: Reference[];
  notes: TextFact[];
  severities: Set<string>;
}

/** One vulnerability being read: its CVEs (`cve` set only when it names exactly one) and where to add what it says. */
interface VulnerabilityReading {
  found: Found;
  cves: string[];
  cve: { cve?: string };
  vendor: string;
  at: (locator: string) => SourceRef;
}

/** Each product once per status, with every CVE that gives it that status. */
function readStatuses(
  { found, cves, vendor, at }: VulnerabilityReading,
  vulnerability: CvrfVulnerability,
  names: Map<string, string>,
): void {
  for (const status of vulnerability.statuses) {
    const mapped = STATUS_OF[status.type];
    if (!mapped) continue;
    for (const productId of status.productIds) {
      const key = `${productId}\u0000${mapped}`;
      const existing = found.products.get(key);
      if (existing) {
        for (const id of cves) if (!existing.cves.includes(id)) existing.cves.push(id);
        continue;
      }
      found.products.set(key, {
        productId,
        name: names.get(productId) ?? productId,
        vendor,
        status: mapped,
        cves: [...cves],
        source: at(status.at),
      });
    }
  }
}

/** Exploit status, the severity words and the impact notes. */
function readThreats({ found, cve, at }: VulnerabilityReading, vulnerability: CvrfVulnerability): void {
  const impacts = new Set<string>();
  for (const threat of vulnerability.threats) {
    if (threat.type === 'Exploit Status') {
      if (found.exploitation.some((known) => known.cve === cve.cve && known.evidence === threat.description)) continue;
      found.exploitation.push({
        ...cve,
        status: exploitStatus(threat.description),
        evidence: threat.description,
        source: at(threat.at),
      });
    } else if (threat.type === 'Severity' && threat.description) {
      found.severities.add(threat.description);
    } else if (threat.type === 'Impact' && threat.description && !impacts.has(threat.description)) {
      impacts.add(threat.description);
      found.notes.push({ ...cve, text: `impact: ${threat.description}`, source: at(threat.at) });
    }
  }
}

/** CVSS 3.x and 4.0 scores, each once. */
function readScores({ found, cve, vendor, at }: VulnerabilityReading, vulnerability: CvrfVulnerability): void {
  for (const set of vulnerability.scoreSets) {
    const version = /^CVSS:(3\.[01]|4\.0)\//.exec(set.vector ?? '')?.[1] as CvssVersion | undefined;
    if (!version || set.baseScore === undefined) continue;
    if (
      found.scores.some(
        (known) => known.cve === cve.cve && known.vector === set.vector && known.baseScore === set.baseScore,
      )
    )
      continue;
    found.scores.push({
      ...cve,
      version,
      baseScore: set.baseScore,
      vector: set.vector!,
      scoredBy: vendor,
      source: at(set.at),
    });
  }
}

/** Fixes and workarounds, known issues as notes, release notes as references. */
function readRemediations({ found, cves, cve, at }: VulnerabilityReading, vulnerability: CvrfVulnerability): void {
  for (const remediation of vulnerability.remediations) {
    const category = REMEDIATION_OF[remediation.type];
    if (category) found.remediations.push(toRemediation(remediation, category, cves, at));
    else if (remediation.type === 'Known Issue') {
      found.notes.push({
        ...cve,
        text: `known issue: ${[remediation.description, remediation.url].filter(Boolean).join(' ')}`,
        source: at(remediation.at),
      });
    } else if (
      remediation.type === 'Release Notes' &&
      remediation.url &&
      !found.references.some((known) => known.url === remediation.url)
    ) {
      found.references.push({ url: remediation.url, tags: ['release-notes'], source: at(remediation.at) });
    }
  }
}

/**
 * MSRC numbers its monthly releases "2026-Feb" but some out-of-band ones only "Oct-OOB", which recurs every year:
 * the year of release is put in front so the id names one document.
 */
function advisoryId(id: string, releasedAt: string | undefined): string {
  return /^\d{4}-/.test(id) || !releasedAt ? id : `${releasedAt.slice(0, 4)}-${id}`;
}

/** An MSRC advisory entry (ADV160008) names the CVEs it covers only in its description. */
function cvesOf(vulnerability: CvrfVulnerability): string[] {
  if (vulnerability.cve && /^CVE-/i.test(vulnerability.cve)) return [vulnerability.cve.toUpperCase()];
  const description = vulnerability.notes
    .filter((note) => note.type === 'Description')
    .map((note) => note.text)
    .join(' ');
  return [...new Set(description.match(CVE_ID) ?? [])];
}

function toRemediation(
  remediation: CvrfRemediation,
  category: RemediationCategory,
  cves: string[],
  at: (locator: string) => SourceRef,
): Remediation {
  const description = remediation.description ?? '';
  const kb =
    category === 'vendor_fix' && /^(kb)?\d{6,7}$/i.test(description.trim()) ? [normalizeFixId(description)] : [];
  // a fix without a KB number (Azure Linux, Mariner) is known by the build that carries it
  const fixIds = kb.length || category !== 'vendor_fix' ? kb : remediation.fixedBuild ? [remediation.fixedBuild] : [];
  const restart = remediation.restartRequired?.trim();
  return {
    category,
    details: description,
    fixIds,
    ...(remediation.url ? { url: remediation.url } : {}),
    ...(restart === 'Yes' ? { restartRequired: true } : restart === 'No' ? { restartRequired: false } : {}),
    ...(restart && restart !== 'Yes' && restart !== 'No' ? { restartDetails: restart } : {}),
    supersedes: (remediation.supercedence ?? '')
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(normalizeFixId),
    productIds: remediation.productIds,
    cves,
    source: at(remediation.at),
  };
}

/** "Publicly Disclosed:No;Exploited:Yes;Latest Software Release:Exploitation Detected" */
function exploitStatus(description: string): ExploitationStatus {
  const fields = new Map(
    description
      .split(';')
      .map((field) => field.split(':').map((part) => part.trim()))
      .filter((parts) => parts.length >= 2)
      .map(([name, value]) => [name!.toLowerCase(), value!.toLowerCase()]),
  );
  if (fields.get('exploited') === 'yes') return 'active';
  if (fields.get('publicly disclosed') === 'yes') return 'poc';
  return 'none';
}

function noteFacts(notes: CvrfDocument['notes'], cves: string[], at: (locator: string) => SourceRef): TextFact[] {
  return notes
    .filter((note) => KEPT_NOTE_TYPES.has(note.type) && note.text)
    .map((note) => ({
      ...(cves.length === 1 ? { cve: cves[0]! } : {}),
      text: note.title ? `${note.title}: ${note.text}` : note.text,
      source: at(note.at),
    }));
}
