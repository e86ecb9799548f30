/** CISA Known Exploited Vulnerabilities catalog, JSON or CSV: a listing is evidence of active exploitation. */
import { parse as parseCsv } from 'csv-parse/sync';
import { checkCsvRecords, CSV_LIMITS } from '../../common/input-limits';
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { assertValid, createValidator } from '../../common/json-schema';
import { pointer } from '../../common/json-pointer';
import type { SourceRef } from '../../common/provenance';
import type { BulletinBatch, CveRecord } from '../model';
import schema from '../schemas/kev/known_exploited_vulnerabilities_schema.json';

interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  dueDate: string;
  knownRansomwareCampaignUse?: string;
  notes?: string;
  cwes?: string[];
}

interface KevCatalog {
  catalogVersion: string;
  vulnerabilities: KevEntry[];
}

// the schema leaves extra properties open, so newer catalog fields (forensicTriage, 2026) pass through unread
const validate = createValidator(schema);
const CSV_HEADER = 'cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate';
const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,19}$/;
const URL = /https?:\/\/[^\s;]+/g;

export const kevFormat: FormatHandler<BulletinBatch> = {
  format: 'kev',
  description: 'CISA Known Exploited Vulnerabilities catalog (JSON or CSV)',
  detect(doc) {
    if (doc.json !== undefined) {
      const json = doc.json as { catalogVersion?: unknown; vulnerabilities?: { cveID?: unknown }[] } | null;
      return (
        typeof json?.catalogVersion === 'string' &&
        Array.isArray(json.vulnerabilities) &&
        (json.vulnerabilities.length === 0 || typeof json.vulnerabilities[0]?.cveID === 'string')
      );
    }
    return doc.xmlRoot === undefined && doc.text.startsWith(CSV_HEADER);
  },
  parse(doc) {
    if (doc.json !== undefined) {
      const catalog = assertValid<KevCatalog>(validate, doc.json, doc.name, 'CISA KEV catalog');
      const source = (i: number): SourceRef => ({
        format: 'kev',
        document: doc.name,
        locator: pointer('vulnerabilities', i),
      });
      return {
        kind: 'bulletins',
        advisories: [],
        cves: catalog.vulnerabilities.map((entry, i) => toRecord(entry, source(i))),
      };
    }
    return { kind: 'bulletins', advisories: [], cves: parseKevCsv(doc.name, doc.text) };
  },
};

function parseKevCsv(file: string, text: string): CveRecord[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { ...CSV_LIMITS, columns: true, info: true, skip_empty_lines: true }) as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new InputError(
      file,
      `not a readable KEV CSV: ${(error as Error).message.replace(/^Invalid \w+ (Length|Format|Quote)[^:]*:\s*/i, '')}`,
      line ? { line } : {},
    );
  }
  checkCsvRecords(file, rows);
  return rows.map(({ record, info }) => {
    // info.lines is the line the record ends on; KEV rows hold no line breaks, so it is the row's line
    const line = info.lines;
    const field = (name: keyof KevEntry): string => {
      const value = record[name];
      if (value === undefined || (value === '' && CSV_HEADER.includes(name)))
        throw new InputError(file, `column ${name} is empty or missing`, { line });
      return value;
    };
    const cve = field('cveID');
    if (!CVE_ID.test(cve)) throw new InputError(file, `cveID "${cve.slice(0, 40)}" is not a CVE id`, { line });
    for (const name of ['dateAdded', 'dueDate'] as const) {
      const reading = readIsoDate(field(name));
      if (!reading.ok || reading.iso.length !== 10)
        throw new InputError(
          file,
          `${name}: ${reading.ok ? `"${field(name)}" is not a YYYY-MM-DD date` : reading.problem}`,
          { line },
        );
    }
    const cwes = (record.cwes ?? '')
      .split(',')
      .map((cwe) => cwe.trim())
      .filter(Boolean);
    const entry: KevEntry = {
      cveID: cve,
      vendorProject: field('vendorProject'),
      product: field('product'),
      vulnerabilityName: field('vulnerabilityName'),
      dateAdded: field('dateAdded'),
      shortDescription: field('shortDescription'),
      requiredAction: field('requiredAction'),
      dueDate: field('dueDate'),
      ...(record.knownRansomwareCampaignUse ? { knownRansomwareCampaignUse: record.knownRansomwareCampaignUse } : {}),
      ...(record.notes ? { notes: record.notes } : {}),
      cwes,
    };
    return toRecord(entry, { format: 'kev', document: file, locator: `line ${line}` });
  });
}

/** dueDate before dateAdded (the 2021 initial load) is kept as CISA states it. */
function toRecord(entry: KevEntry, source: SourceRef): CveRecord {
  const cve = entry.cveID;
  return {
    cve,
    title: entry.vulnerabilityName,
    descriptions: entry.shortDescription ? [{ cve, text: entry.shortDescription, source }] : [],
    products: [],
    scores: [],
    exploitation: [
      { cve, status: 'active', evidence: `listed in CISA KEV on ${entry.dateAdded}`, date: entry.dateAdded, source },
    ],
    kev: {
      cve,
      dateAdded: entry.dateAdded,
      dueDate: entry.dueDate,
      requiredAction: entry.requiredAction,
      ...(entry.knownRansomwareCampaignUse ? { knownRansomwareCampaignUse: entry.knownRansomwareCampaignUse } : {}),
      vendorProject: entry.vendorProject.trim(),
      product: entry.product.trim(),
      vulnerabilityName: entry.vulnerabilityName,
      ...(entry.notes ? { notes: entry.notes } : {}),
      source,
    },
    cwes: entry.cwes ?? [],
    references: [...new Set(entry.notes?.match(URL) ?? [])].map((url) => ({ url, tags: ['kev-notes'], source })),
    source,
  };
}
