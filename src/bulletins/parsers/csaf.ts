/**
 * CSAF 2.0 advisories (OASIS; Red Hat, Siemens, Cisco, CISA, BSI …): validated against the official schema, then
 * read into one AdvisoryRecord whose every fact points back into the document with a JSON pointer.
 */
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { assertValid } from '../../common/json-schema';
import { pointer } from '../../common/json-pointer';
import type { SourceRef } from '../../common/provenance';
import type {
  AdvisoryRecord,
  BulletinBatch,
  CvssVersion,
  ExploitationFact,
  ExploitationStatus,
  ProductEntry,
  ProductStatus,
  Reference,
  Remediation,
  RemediationCategory,
  Score,
  SourcedFact,
  TextFact,
} from '../model';
import { flattenProductTree, type CsafProductTree, type FlatProductTree } from './csaf-product-tree';
import { csafValidator } from './csaf-validator';
import { normalizeFixId } from './handwritten';

interface CsafNote {
  category: string;
  text: string;
  title?: string;
}

interface CsafReference {
  url: string;
  summary: string;
  category?: string;
}

interface CsafCvss {
  version: string;
  vectorString: string;
  baseScore: number;
  baseSeverity?: string;
}

interface CsafVulnerability {
  cve?: string;
  cwe?: { id: string; name: string };
  discovery_date?: string;
  title?: string;
  notes?: CsafNote[];
  references?: CsafReference[];
  product_status?: Record<string, string[]>;
  remediations?: {
    category: RemediationCategory;
    details: string;
    date?: string;
    url?: string;
    product_ids?: string[];
    group_ids?: string[];
    restart_required?: { category: string; details?: string };
  }[];
  scores?: { products: string[]; cvss_v2?: CsafCvss; cvss_v3?: CsafCvss }[];
  threats?: { category: string; details: string; date?: string; product_ids?: string[]; group_ids?: string[] }[];
  flags?: { label: string; date?: string; product_ids?: string[]; group_ids?: string[] }[];
}

interface CsafDocument {
  document: {
    category: string;
    csaf_version: string;
    title: string;
    publisher: { name: string; category: string; namespace: string };
    aggregate_severity?: { text: string };
    distribution?: { tlp?: { label: string } };
    notes?: CsafNote[];
    references?: CsafReference[];
    tracking: {
      id: string;
      version: string;
      initial_release_date: string;
      current_release_date: string;
      status: string;
    };
  };
  product_tree?: CsafProductTree;
  vulnerabilities?: CsafVulnerability[];
}

const STATUS_OF: Record<string, ProductStatus> = {
  known_affected: 'affected',
  first_affected: 'affected',
  last_affected: 'affected',
  fixed: 'fixed',
  first_fixed: 'fixed',
  known_not_affected: 'not_affected',
  under_investigation: 'under_investigation',
  recommended: 'recommended',
};

/** CISA's standard sentence when nothing is known ("No known public exploitation … has been reported to CISA"). */
const NONE_REPORTED = /no known public exploitation[^.]*reported to CISA/i;

/** Notes that never bear on the decision and would drown the ones that do. */
const SKIPPED_NOTE_CATEGORIES = new Set(['legal_disclaimer']);

export const csafFormat: FormatHandler<BulletinBatch> = {
  format: 'csaf',
  description: 'CSAF 2.0 advisory or VEX (JSON, document.csaf_version "2.0")',
  detect: (doc) => (doc.json as { document?: { csaf_version?: unknown } } | null)?.document?.csaf_version === '2.0',
  parse(doc) {
    const csaf = assertValid<CsafDocument>(csafValidator(), doc.json, doc.name, 'CSAF 2.0 document');
    return { kind: 'bulletins', advisories: [toAdvisory(csaf, doc)], cves: [] };
  },
};

function toAdvisory(csaf: CsafDocument, doc: SniffedDocument): AdvisoryRecord {
  const source: SourceRef = { format: 'csaf', document: doc.name };
  const at = (...path: (string | number)[]): SourceRef => ({ ...source, locator: pointer(...path) });
  const readDate = (text: string, ...path: (string | number)[]): { iso: string; assumedUtc: boolean } => {
    const reading = readIsoDate(text);
    if (!reading.ok) throw new InputError(doc.name, reading.problem, { pointer: pointer(...path) });
    return reading;
  };
  const date = (text: string, ...path: (string | number)[]): string => readDate(text, ...path).iso;
  const { document } = csaf;
  const tree = flattenProductTree(csaf.product_tree);
  const vulnerabilities = csaf.vulnerabilities ?? [];
  const publisher = document.publisher.name;

  const found: Found = {
    products: new Map(),
    remediations: [],
    scores: [],
    exploitation: [],
    notes: noteFacts(document.notes, at, ['document', 'notes']),
    cwes: [],
    discoveryDates: [],
    references: referenceFacts(document.references, at, ['document', 'references']),
  };
  vulnerabilities.forEach((vulnerability, v) => {
    const cves = vulnerability.cve ? [vulnerability.cve] : [];
    const read: VulnerabilityReading = { found, tree, cves, here: ['vulnerabilities', v], at, date, publisher };
    readWeaknessAndDiscovery(read, vulnerability);
    readProductStatuses(read, vulnerability);
    readRemediations(read, vulnerability);
    readScores(read, vulnerability);
    readThreats(read, vulnerability);
    const { notes, references } = found;
    if (vulnerability.title)
      notes.push({ ...cveOf(cves), text: vulnerability.title, source: at(...read.here, 'title') });
    notes.push(...noteFacts(vulnerability.notes, at, [...read.here, 'notes'], cves));
    references.push(...referenceFacts(vulnerability.references, at, [...read.here, 'references']));
  });
  const { products, remediations, scores, exploitation, notes, cwes, discoveryDates, references } = found;

  (document.notes ?? []).forEach((note, n) => {
    if (NONE_REPORTED.test(note.text))
      exploitation.push({ status: 'none', evidence: 'none reported', source: at('document', 'notes', n) });
  });
  const released = readDate(document.tracking.initial_release_date, 'document', 'tracking', 'initial_release_date');
  return {
    id: document.tracking.id,
    title: document.title,
    vendor: tree.vendors.length === 1 ? tree.vendors[0]! : publisher,
    publisher,
    publisherCategory: document.publisher.category,
    ...(document.distribution?.tlp ? { tlp: document.distribution.tlp.label } : {}),
    cwes,
    discoveryDates,
    revision: document.tracking.version,
    releasedAt: released.iso,
    ...(released.assumedUtc ? { releasedAtNote: 'no time zone given; read as UTC' } : {}),
    updatedAt: date(document.tracking.current_release_date, 'document', 'tracking', 'current_release_date'),
    ...(document.aggregate_severity ? { severity: document.aggregate_severity.text } : {}),
    cves: [...new Set(vulnerabilities.flatMap((v) => (v.cve ? [v.cve] : [])))],
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
  notes: TextFact[];
  cwes: SourcedFact[];
  discoveryDates: SourcedFact[];
  references: Reference[];
}

/** One vulnerability being read: its CVEs, its JSON path (`here`) and where to add what it says. */
interface VulnerabilityReading {
  found: Found;
  tree: FlatProductTree;
  cves: string[];
  here: (string | number)[];
  at: (...path: (string | number)[]) => SourceRef;
  date: (text: string, ...path: (string | number)[]) => string;
  publisher: string;
}

function readWeaknessAndDiscovery(
  { found, cves, here, at, date }: VulnerabilityReading,
  vulnerability: CsafVulnerability,
): void {
  if (vulnerability.cwe)
    found.cwes.push({
      ...cveOf(cves),
      value: `${vulnerability.cwe.id} ${vulnerability.cwe.name}`,
      source: at(...here, 'cwe'),
    });
  if (vulnerability.discovery_date)
    found.discoveryDates.push({
      ...cveOf(cves),
      value: date(vulnerability.discovery_date, ...here, 'discovery_date'),
      source: at(...here, 'discovery_date'),
    });
}

/** Each product once per status, with every CVE that gives it that status, from product_status and VEX flags. */
function readProductStatuses(
  { found, tree, cves, here, at }: VulnerabilityReading,
  vulnerability: CsafVulnerability,
): void {
  const addStatus = (productId: string, status: ProductStatus, locator: SourceRef, justification?: string): void => {
    const key = `${productId}\u0000${status}`;
    const existing = found.products.get(key);
    if (existing) {
      for (const cve of cves) if (!existing.cves.includes(cve)) existing.cves.push(cve);
      if (justification && !existing.justification) existing.justification = justification;
      return;
    }
    const product = tree.products.get(productId);
    found.products.set(key, {
      ...(product?.ref ?? { productId, name: productId }),
      status,
      cves: [...cves],
      ...(justification ? { justification } : {}),
      source: locator,
    });
  };
  for (const [category, ids] of Object.entries(vulnerability.product_status ?? {})) {
    const status = STATUS_OF[category];
    if (status) ids.forEach((id, i) => addStatus(id, status, at(...here, 'product_status', category, i)));
  }
  // a VEX justification flag is a statement that these products are not affected, even where product_status is silent
  (vulnerability.flags ?? []).forEach((flag, f) => {
    const ids = productIds(tree, flag.product_ids, flag.group_ids);
    ids.forEach((id) => addStatus(id, 'not_affected', at(...here, 'flags', f), flag.label));
    found.notes.push({
      ...cveOf(cves),
      text: `not affected (${flag.label}): ${ids.map((id) => tree.products.get(id)?.ref.name ?? id).join(', ')}`,
      source: at(...here, 'flags', f),
    });
  });
}

function readRemediations(
  { found, tree, cves, here, at, date }: VulnerabilityReading,
  vulnerability: CsafVulnerability,
): void {
  (vulnerability.remediations ?? []).forEach((remediation, r) => {
    const restart = remediation.restart_required;
    found.remediations.push({
      category: remediation.category,
      details: remediation.details,
      fixIds: fixIdsIn(remediation.category, remediation.details, remediation.url),
      ...(remediation.url ? { url: remediation.url } : {}),
      ...(remediation.date ? { date: date(remediation.date, ...here, 'remediations', r, 'date') } : {}),
      ...(restart
        ? { restartRequired: restart.category !== 'none', restartDetails: restart.details ?? restart.category }
        : {}),
      supersedes: [],
      productIds: productIds(tree, remediation.product_ids, remediation.group_ids),
      cves,
      source: at(...here, 'remediations', r),
    });
  });
}

/** CVSS v3 and v2 scores, each once per CVE, version and vector. */
function readScores(
  { found, cves, here, at, publisher }: VulnerabilityReading,
  vulnerability: CsafVulnerability,
): void {
  (vulnerability.scores ?? []).forEach((score, s) => {
    for (const key of ['cvss_v3', 'cvss_v2'] as const) {
      const cvss = score[key];
      if (!cvss) continue;
      const version = cvss.version as CvssVersion;
      if (
        found.scores.some(
          (known) => known.cve === vulnerability.cve && known.version === version && known.vector === cvss.vectorString,
        )
      )
        continue;
      found.scores.push({
        ...cveOf(cves),
        version,
        baseScore: cvss.baseScore,
        vector: cvss.vectorString,
        ...(cvss.baseSeverity ? { severity: cvss.baseSeverity } : {}),
        scoredBy: publisher,
        source: at(...here, 'scores', s, key),
      });
    }
  });
}

/** Exploit status (CISA's "no known public exploitation" note as "none reported") and impact notes. */
function readThreats({ found, cves, here, at, date }: VulnerabilityReading, vulnerability: CsafVulnerability): void {
  (vulnerability.threats ?? []).forEach((threat, t) => {
    if (threat.category === 'exploit_status') {
      found.exploitation.push({
        ...cveOf(cves),
        status: exploitationIn(threat.details),
        evidence: threat.details,
        ...(threat.date ? { date: date(threat.date, ...here, 'threats', t, 'date') } : {}),
        source: at(...here, 'threats', t),
      });
    } else if (threat.category === 'impact') {
      found.notes.push({ ...cveOf(cves), text: `impact: ${threat.details}`, source: at(...here, 'threats', t) });
    }
  });
  (vulnerability.notes ?? []).forEach((note, n) => {
    if (NONE_REPORTED.test(note.text))
      found.exploitation.push({
        ...cveOf(cves),
        status: 'none',
        evidence: 'none reported',
        source: at(...here, 'notes', n),
      });
  });
}

function cveOf(cves: string[]): { cve?: string } {
  return cves[0] ? { cve: cves[0] } : {};
}

function productIds(tree: FlatProductTree, ids: string[] = [], groupIds: string[] = []): string[] {
  return [...new Set([...ids, ...groupIds.flatMap((group) => tree.groups.get(group) ?? [])])];
}

function noteFacts(
  notes: CsafNote[] | undefined,
  at: (...path: (string | number)[]) => SourceRef,
  path: (string | number)[],
  cves: string[] = [],
): TextFact[] {
  return (notes ?? []).flatMap((note, i) =>
    SKIPPED_NOTE_CATEGORIES.has(note.category)
      ? []
      : [{ ...cveOf(cves), text: note.title ? `${note.title}: ${note.text}` : note.text, source: at(...path, i) }],
  );
}

function referenceFacts(
  references: CsafReference[] | undefined,
  at: (...path: (string | number)[]) => SourceRef,
  path: (string | number)[],
): Reference[] {
  return (references ?? []).map((reference, i) => ({
    url: reference.url,
    tags: [reference.category ?? 'external'],
    source: at(...path, i),
  }));
}

/** Ids a person would type into a patch tool: Microsoft KB numbers and Red Hat errata named in the text or URL. */
function fixIdsIn(category: RemediationCategory, details: string, url: string | undefined): string[] {
  if (category !== 'vendor_fix') return [];
  const text = `${details} ${url ?? ''}`;
  const ids = [
    ...[...text.matchAll(/\bKB ?(\d{6,7})\b/gi)].map((m) => normalizeFixId(m[1]!)),
    ...[...text.matchAll(/\b(RH[SBE]A-\d{4}:\d{4,5})\b/g)].map((m) => m[1]!),
  ];
  return [...new Set(ids)];
}

/**
 * CSAF's exploit_status is free text. Say "active" only when it says the flaw is exploited (or points at CISA's
 * KEV catalog), "poc" when it speaks of public exploit code, and "none" otherwise, including when it denies both.
 */
export function exploitationIn(details: string): ExploitationStatus {
  const text = details.toLowerCase();
  if (/\b(no|not|none|without)\b[^.;]*\bexploit/.test(text)) return 'none';
  if (/known[- _]exploited|\bkev\b|\bexploited\b|exploitation detected|in the wild/.test(text)) return 'active';
  if (/proof[- ]of[- ]concept|\bpoc\b|exploit code|publicly available exploit|public exploit/.test(text)) return 'poc';
  return 'none';
}
