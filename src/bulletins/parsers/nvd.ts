/** NVD CVE API 2.0 responses (or one bare `cve` object): descriptions, CVSS, CWEs, references, CPE configurations, KEV fields. */
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { assertValid, createValidator } from '../../common/json-schema';
import { childPointer, pointer } from '../../common/json-pointer';
import type { SourceRef } from '../../common/provenance';
import type { BulletinBatch, CveRecord, CvssVersion, ExploitationFact, ProductEntry, Score } from '../model';
import responseSchema from '../schemas/nvd/cve_api_json_2.0.schema.json';
import cvssDataSchema from '../schemas/nvd/cvss-data.schema.json';

interface NvdCve {
  id: string;
  published: string;
  lastModified: string;
  descriptions: { lang: string; value: string }[];
  metrics?: Partial<Record<MetricKey, NvdMetric[]>>;
  weaknesses?: { source: string; type: string; description: { lang: string; value: string }[] }[];
  configurations?: { operator?: 'AND' | 'OR'; negate?: boolean; nodes: NvdNode[] }[];
  references: { url: string; source?: string; tags?: string[] }[];
  cisaExploitAdd?: string;
  cisaActionDue?: string;
  cisaRequiredAction?: string;
  cisaVulnerabilityName?: string;
}

interface NvdNode {
  operator: 'AND' | 'OR';
  negate?: boolean;
  cpeMatch: NvdCpeMatch[];
}

interface NvdCpeMatch {
  vulnerable: boolean;
  criteria: string;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}

interface NvdMetric {
  source: string;
  type: string;
  cvssData: { version: string; vectorString: string; baseScore: number; baseSeverity?: string };
  baseSeverity?: string;
}

type MetricKey = 'cvssMetricV40' | 'cvssMetricV31' | 'cvssMetricV30' | 'cvssMetricV2';
const METRICS: [MetricKey, CvssVersion][] = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

/**
 * NVD writes date-times without a zone ("2008-10-23T22:00:01.437"), which the schema's own `date-time` format
 * refuses; the formats are dropped here and the dates read by readIsoDate (as UTC, which is what NVD means).
 */
function withoutDateFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDateFormats);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => !(key === 'format' && (value === 'date-time' || value === 'date')),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutDateFormats(value)]));
}

// the NIST schema $refs FIRST's CVSS schemas by URL; cvss-data.schema.json stands in for them with the fields read here
const validate = createValidator(withoutDateFormats(responseSchema) as object, {
  extraSchemas: ['2.0', '3.0', '3.1', '4.0'].map((v) => ({
    ...cvssDataSchema,
    $id: `https://csrc.nist.gov/schema/nvd/api/2.0/external/cvss-v${v}.json`,
  })),
});

export const nvdFormat: FormatHandler<BulletinBatch> = {
  format: 'nvd',
  description: 'NVD CVE API 2.0 response (format NVD_CVE) or one bare NVD cve object',
  detect(doc) {
    const json = doc.json as Record<string, unknown> | null | undefined;
    if (!json || typeof json !== 'object') return false;
    return (
      json.format === 'NVD_CVE' ||
      (typeof json.id === 'string' && typeof json.sourceIdentifier === 'string' && Array.isArray(json.descriptions))
    );
  },
  parse(doc) {
    const json = doc.json as Record<string, unknown>;
    // a bare cve object (what the NVD JSON mirrors store per file) is read as a one-entry response
    const bare = json.format !== 'NVD_CVE';
    const response = bare
      ? {
          format: 'NVD_CVE',
          version: '2.0',
          resultsPerPage: 1,
          startIndex: 0,
          totalResults: 1,
          timestamp: '',
          vulnerabilities: [{ cve: json }],
        }
      : json;
    const valid = bare
      ? validateBare(doc, response)
      : assertValid<{ vulnerabilities: { cve: NvdCve }[] }>(validate, response, doc.name, 'NVD CVE API 2.0 response');
    return {
      kind: 'bulletins',
      advisories: [],
      cves: valid.vulnerabilities.map(({ cve }, i) =>
        toRecord(doc, cve, bare ? '' : pointer('vulnerabilities', i, 'cve')),
      ),
    };
  },
};

/** Validates the wrapped object, then reports any problem at its place in the file the user gave. */
function validateBare(doc: SniffedDocument, response: unknown): { vulnerabilities: { cve: NvdCve }[] } {
  try {
    return assertValid(validate, response, doc.name, 'NVD CVE record');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const place = error.place.pointer?.replace(/^\/vulnerabilities\/0\/cve/, '') ?? '';
    throw new InputError(doc.name, error.problem, { pointer: place });
  }
}

function toRecord(doc: SniffedDocument, cve: NvdCve, base: string): CveRecord {
  const id = cve.id;
  const at = (...path: (string | number)[]): SourceRef => ({
    format: 'nvd',
    document: doc.name,
    locator: childPointer(base, ...path),
  });
  const date = (text: string, ...path: (string | number)[]): string => {
    const reading = readIsoDate(text);
    if (!reading.ok) throw new InputError(doc.name, reading.problem, { pointer: childPointer(base, ...path) });
    return reading.iso;
  };

  const { exploitation, kev } = exploitationOf(cve, at, date);

  const english = cve.descriptions.findIndex((d) => d.lang === 'en');
  return {
    cve: id,
    ...(cve.cisaVulnerabilityName ? { title: cve.cisaVulnerabilityName } : {}),
    published: date(cve.published, 'published'),
    lastModified: date(cve.lastModified, 'lastModified'),
    descriptions:
      english >= 0 ? [{ cve: id, text: cve.descriptions[english]!.value, source: at('descriptions', english) }] : [],
    products: affectedProducts(id, cve.configurations ?? [], at),
    applicability: applicabilityOf(cve, at),
    scores: scoresOf(cve, at),
    exploitation,
    ...(kev ? { kev } : {}),
    cwes: [
      ...new Set(
        (cve.weaknesses ?? []).flatMap((w) => w.description.map((d) => d.value)).filter((v) => /^CWE-\d+$/.test(v)),
      ),
    ],
    references: cve.references.map((reference, i) => ({
      url: reference.url,
      tags: reference.tags ?? [],
      source: at('references', i),
    })),
    source: { format: 'nvd', document: doc.name, ...(base ? { locator: base } : {}) },
  };
}

type At = (...path: (string | number)[]) => SourceRef;

function scoresOf(cve: NvdCve, at: At): Score[] {
  const id = cve.id;
  return METRICS.flatMap(([key, version]) =>
    (cve.metrics?.[key] ?? []).map((metric, i): Score => {
      const severity = metric.cvssData.baseSeverity ?? metric.baseSeverity;
      return {
        cve: id,
        version,
        baseScore: metric.cvssData.baseScore,
        vector: metric.cvssData.vectorString,
        ...(severity ? { severity } : {}),
        scoredBy: `${metric.source} (${metric.type})`,
        source: at('metrics', key, i),
      };
    }),
  );
}

/** Exploit references as proof of concept; a KEV listing (as NVD carries it) as active exploitation, first. */
function exploitationOf(
  cve: NvdCve,
  at: At,
  date: (text: string, ...path: (string | number)[]) => string,
): { exploitation: ExploitationFact[]; kev: CveRecord['kev'] } {
  const id = cve.id;
  // NVD lists each reference once per source that submitted it: one fact per exploit URL
  const exploitUrls = new Set<string>();
  const exploitation: ExploitationFact[] = cve.references.flatMap((reference, i) => {
    if (!reference.tags?.includes('Exploit') || exploitUrls.has(reference.url)) return [];
    exploitUrls.add(reference.url);
    return [
      {
        cve: id,
        status: 'poc' as const,
        evidence: `NVD reference tagged Exploit: ${reference.url}`,
        source: at('references', i),
      },
    ];
  });
  let kev: CveRecord['kev'];
  if (cve.cisaExploitAdd) {
    const dateAdded = date(cve.cisaExploitAdd, 'cisaExploitAdd');
    const source = at('cisaExploitAdd');
    kev = {
      cve: id,
      dateAdded,
      ...(cve.cisaActionDue ? { dueDate: date(cve.cisaActionDue, 'cisaActionDue') } : {}),
      ...(cve.cisaRequiredAction ? { requiredAction: cve.cisaRequiredAction } : {}),
      ...(cve.cisaVulnerabilityName ? { vulnerabilityName: cve.cisaVulnerabilityName } : {}),
      source,
    };
    exploitation.unshift({
      cve: id,
      status: 'active',
      evidence: `listed in CISA KEV on ${dateAdded} (per NVD)`,
      date: dateAdded,
      source,
    });
  }
  return { exploitation, kev };
}

/** The configurations as trees of CPE matches, each with its place in the record. */
function applicabilityOf(cve: NvdCve, at: At): CveRecord['applicability'] {
  return (cve.configurations ?? []).map((configuration, c) => ({
    cve: cve.id,
    operator: configuration.operator ?? 'OR',
    negate: configuration.negate ?? false,
    nodes: configuration.nodes.map((node, n) => ({
      operator: node.operator,
      negate: node.negate ?? false,
      matches: node.cpeMatch.map((match, m) => ({
        criteria: match.criteria,
        vulnerable: match.vulnerable,
        ...versionBounds(match),
        source: at('configurations', c, 'nodes', n, 'cpeMatch', m),
      })),
    })),
    source: at('configurations', c),
  }));
}

/**
 * Only `vulnerable: true` matches are affected products. In an AND configuration the `vulnerable: false` matches are
 * the platforms the product must run on, not products of their own. A negated node says "not these", so its
 * matches are never listed as affected.
 */
function affectedProducts(
  cve: string,
  configurations: NonNullable<NvdCve['configurations']>,
  at: (...path: (string | number)[]) => SourceRef,
): ProductEntry[] {
  const seen = new Set<string>();
  const products: ProductEntry[] = [];
  configurations.forEach((configuration, c) => {
    if (configuration.negate) return;
    configuration.nodes.forEach((node, n) => {
      if (node.negate) return;
      node.cpeMatch.forEach((match, m) => {
        if (!match.vulnerable) return;
        const key = JSON.stringify([
          match.criteria,
          match.versionStartIncluding,
          match.versionStartExcluding,
          match.versionEndIncluding,
          match.versionEndExcluding,
        ]);
        if (seen.has(key)) return;
        seen.add(key);
        products.push({
          ...productOf(match),
          status: 'affected',
          cves: [cve],
          viaConfiguration: true,
          source: at('configurations', c, 'nodes', n, 'cpeMatch', m),
        });
      });
    });
  });
  return products;
}

function productOf(match: NvdCpeMatch): Omit<ProductEntry, 'status' | 'cves' | 'source'> {
  // cpe:2.3:part:vendor:product:version:update:…
  const [, , , vendor = '', product = '', version = '*', update = '*'] = match.criteria.split(':');
  const words = (text: string) => text.replace(/\\(.)/g, '$1').replace(/_/g, ' ');
  const detail = [version, update].filter((v) => v !== '*' && v !== '-').map(words);
  const bounds = [
    match.versionStartIncluding && `>=${match.versionStartIncluding}`,
    match.versionStartExcluding && `>${match.versionStartExcluding}`,
    match.versionEndIncluding && `<=${match.versionEndIncluding}`,
    match.versionEndExcluding && `<${match.versionEndExcluding}`,
  ].filter((b): b is string => Boolean(b));
  return {
    name: [words(vendor), words(product), ...detail].join(' '),
    vendor: words(vendor),
    cpe: match.criteria,
    ...(bounds.length ? { versionRange: bounds.join(' ') } : {}),
    ...versionBounds(match),
  };
}

function versionBounds(match: NvdCpeMatch): Pick<NvdCpeMatch, `version${string}` & keyof NvdCpeMatch> {
  return {
    ...(match.versionStartIncluding ? { versionStartIncluding: match.versionStartIncluding } : {}),
    ...(match.versionStartExcluding ? { versionStartExcluding: match.versionStartExcluding } : {}),
    ...(match.versionEndIncluding ? { versionEndIncluding: match.versionEndIncluding } : {}),
    ...(match.versionEndExcluding ? { versionEndExcluding: match.versionEndExcluding } : {}),
  };
}
