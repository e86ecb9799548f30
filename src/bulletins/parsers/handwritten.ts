/**
 * The hand-written bulletin: a small JSON or YAML document of the normalized shape, for the advisory that
 * arrives as an e-mail or a phone call (and what `/patch new` creates). Schema: ../schemas/handwritten-bulletin.schema.json
 */
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { assertValid, createValidator } from '../../common/json-schema';
import { pointer } from '../../common/json-pointer';
import { parseYamlText } from '../../common/parse-yaml';
import type { SourceRef } from '../../common/provenance';
import type { AdvisoryRecord, BulletinBatch, PortSpec, ProductEntry, Remediation, Score } from '../model';
import schema from '../schemas/handwritten-bulletin.schema.json';

export interface HandwrittenBulletin {
  kind: 'patchcall/bulletin';
  id: string;
  title: string;
  vendor: string;
  revision?: string;
  released_at: string;
  severity?: string;
  summary?: string;
  cves: string[];
  wormable?: boolean;
  exploitation?: { status: 'none' | 'poc' | 'active'; evidence: string; date?: string };
  products?: { name: string; cpe?: string; purl?: string; status?: ProductEntry['status']; severity?: string }[];
  fixes?: {
    id: string;
    url?: string;
    date?: string;
    restart_required?: boolean;
    supersedes?: string[];
    details?: string;
  }[];
  workarounds?: string[];
  vulnerable_ports?: string[];
  cvss?: { version: Score['version']; base_score: number; vector: string }[];
  references?: string[];
}

const validate = createValidator(schema);
const KIND_LINE = /^kind:\s*["']?patchcall\/bulletin["']?\s*$/m;

export const handwrittenFormat: FormatHandler<BulletinBatch> = {
  format: 'bulletin',
  description: 'hand-written bulletin (JSON or YAML, kind: patchcall/bulletin)',
  detect(doc) {
    if (doc.json !== undefined) return (doc.json as { kind?: unknown } | null)?.kind === 'patchcall/bulletin';
    return doc.xmlRoot === undefined && KIND_LINE.test(doc.text);
  },
  parse(doc) {
    const value = doc.json !== undefined ? doc.json : parseYamlText(doc.name, doc.text);
    const bulletin = assertValid<HandwrittenBulletin>(validate, value, doc.name, 'hand-written bulletin');
    return { kind: 'bulletins', advisories: [toAdvisory(bulletin, doc)], cves: [] };
  },
};

/** Also used by `/patch new`, whose modal fills the same shape. */
export function toAdvisory(bulletin: HandwrittenBulletin, doc: Pick<SniffedDocument, 'name'>): AdvisoryRecord {
  const reader = readerFor(doc.name);
  const { source, at, date } = reader;
  const released = date(bulletin.released_at, ['released_at']);
  const cves = [...new Set(bulletin.cves)];

  const products: ProductEntry[] = (bulletin.products ?? []).map((product, i) => ({
    name: product.name,
    vendor: bulletin.vendor,
    ...(product.cpe ? { cpe: product.cpe } : {}),
    ...(product.purl ? { purl: product.purl } : {}),
    status: product.status ?? 'affected',
    cves: [],
    source: at('products', i),
  }));

  const remediations = remediationsOf(bulletin, cves, released.iso, reader);
  const vulnerablePorts = vulnerablePortsOf(bulletin, doc.name);

  return {
    id: bulletin.id,
    title: bulletin.title,
    vendor: bulletin.vendor,
    ...(bulletin.revision ? { revision: bulletin.revision } : {}),
    releasedAt: released.iso,
    ...(released.assumedUtc ? { releasedAtNote: 'no time zone given; read as UTC' } : {}),
    ...(bulletin.severity ? { severity: bulletin.severity } : {}),
    cves,
    products,
    remediations,
    scores: (bulletin.cvss ?? []).map((score, i) => ({
      version: score.version,
      baseScore: score.base_score,
      vector: score.vector,
      scoredBy: bulletin.vendor,
      source: at('cvss', i),
    })),
    exploitation: bulletin.exploitation
      ? cves.map((cve) => ({
          cve,
          status: bulletin.exploitation!.status,
          evidence: bulletin.exploitation!.evidence,
          ...(bulletin.exploitation!.date
            ? { date: date(bulletin.exploitation!.date, ['exploitation', 'date']).iso }
            : {}),
          source: at('exploitation'),
        }))
      : [],
    references: (bulletin.references ?? []).map((url, i) => ({ url, tags: [], source: at('references', i) })),
    notes: bulletin.summary ? [{ text: bulletin.summary, source: at('summary') }] : [],
    vulnerablePorts,
    ...(bulletin.wormable !== undefined ? { automatable: bulletin.wormable ? 'yes' : 'no' } : {}),
    source,
  };
}

/** Where each fact of the file is, and its dates read with the file named in any error. */
interface Reader {
  source: SourceRef;
  at: (...path: (string | number)[]) => SourceRef;
  date: (text: string, path: (string | number)[]) => { iso: string; assumedUtc: boolean };
}

function readerFor(file: string): Reader {
  const source: SourceRef = { format: 'bulletin', document: file };
  return {
    source,
    at: (...path) => ({ ...source, locator: pointer(...path) }),
    date: (text, path) => {
      const reading = readIsoDate(text);
      if (!reading.ok) throw new InputError(file, reading.problem, { pointer: pointer(...path) });
      return reading;
    },
  };
}

/** The bulletin's fixes (dated by themselves, else by its release) and its workarounds. */
function remediationsOf(
  bulletin: HandwrittenBulletin,
  cves: string[],
  releasedIso: string,
  { at, date }: Reader,
): Remediation[] {
  return [
    ...(bulletin.fixes ?? []).map((fix, i): Remediation => ({
      category: 'vendor_fix',
      details: fix.details ?? `Install ${fix.id}`,
      fixIds: [normalizeFixId(fix.id)],
      ...(fix.url ? { url: fix.url } : {}),
      ...(fix.date ? { date: date(fix.date, ['fixes', i, 'date']).iso } : { date: releasedIso }),
      ...(fix.restart_required !== undefined ? { restartRequired: fix.restart_required } : {}),
      supersedes: fix.supersedes ?? [],
      productIds: [],
      cves,
      source: at('fixes', i),
    })),
    ...(bulletin.workarounds ?? []).map((text, i): Remediation => ({
      category: 'workaround',
      details: text,
      fixIds: [],
      supersedes: [],
      productIds: [],
      cves,
      source: at('workarounds', i),
    })),
  ];
}

function vulnerablePortsOf(bulletin: HandwrittenBulletin, file: string): PortSpec[] {
  return (bulletin.vulnerable_ports ?? []).map((spec, i) => {
    const [protocol, port] = spec.split('/') as ['tcp' | 'udp', string];
    const number = Number(port);
    if (number < 1 || number > 65535)
      throw new InputError(file, `port ${port} is outside 1-65535`, { pointer: pointer('vulnerable_ports', i) });
    return { protocol, port: number };
  });
}

/** Microsoft fix ids are written "958644", "KB958644" or "kb958644"; keep one spelling so they match. */
export function normalizeFixId(id: string): string {
  const trimmed = id.trim();
  if (/^\d{6,7}$/.test(trimmed)) return `KB${trimmed}`;
  if (/^kb\d{6,7}$/i.test(trimmed)) return trimmed.toUpperCase();
  return trimmed;
}
