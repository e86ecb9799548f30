/** CVE JSON 5 records (cvelistV5, CISA Vulnrichment): the CNA's statement and each ADP container's, CISA's SSVC and KEV included. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { pointer } from '../../common/json-pointer';
import type { SourceRef } from '../../common/provenance';
import type {
  BulletinBatch,
  CveRecord,
  CvssVersion,
  ExploitationFact,
  KevFact,
  Reference,
  Score,
  SsvcFact,
  TextFact,
} from '../model';

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const CVSS_KEYS: [string, CvssVersion][] = [
  ['cvssV4_0', '4.0'],
  ['cvssV3_1', '3.1'],
  ['cvssV3_0', '3.0'],
  ['cvssV2_0', '2.0'],
];

type Json = Record<string, unknown>;
type At = (...path: (string | number)[]) => string;

export const cve5Format: FormatHandler<BulletinBatch> = {
  format: 'cve5',
  description: 'CVE JSON 5 record (dataType CVE_RECORD), with ADP containers such as CISA Vulnrichment',
  detect(doc) {
    const json = doc.json as Json | null | undefined;
    return (
      !!json &&
      typeof json === 'object' &&
      (json.dataType === 'CVE_RECORD' || (isObject(json.cveMetadata) && isObject(json.containers)))
    );
  },
  parse(doc) {
    const file = doc.name;
    const fail = (problem: string, path: (string | number)[]): never => {
      throw new InputError(file, problem, { pointer: pointer(...path) });
    };
    const record = doc.json as Json;
    const metadata = object(record.cveMetadata, ['cveMetadata'], fail);
    const cve = string(metadata.cveId, ['cveMetadata', 'cveId'], fail);
    if (!CVE_ID.test(cve)) fail(`"${cve}" is not a CVE id`, ['cveMetadata', 'cveId']);
    if (metadata.state === 'REJECTED') fail(`${cve} is a rejected CVE record`, ['cveMetadata', 'state']);
    const containers = object(record.containers, ['containers'], fail);
    const cna = object(containers.cna, ['containers', 'cna'], fail);
    const adps = containers.adp === undefined ? [] : array(containers.adp, ['containers', 'adp'], fail);

    const date = (value: unknown, path: (string | number)[]): string | undefined => {
      if (value === undefined) return undefined;
      const reading = readIsoDate(string(value, path, fail));
      if (!reading.ok) return fail(reading.problem, path);
      return reading.iso;
    };
    const published = date(metadata.datePublished, ['cveMetadata', 'datePublished']);
    const lastModified = date(metadata.dateUpdated, ['cveMetadata', 'dateUpdated']);
    const result: CveRecord = {
      cve,
      ...(typeof cna.title === 'string' ? { title: cna.title } : {}),
      ...(published ? { published } : {}),
      ...(lastModified ? { lastModified } : {}),
      descriptions: [],
      products: [],
      scores: [],
      exploitation: [],
      cwes: [],
      references: [],
      source: { format: 'cve5', document: file },
    };

    const containerList: { json: Json; path: (string | number)[] }[] = [
      { json: cna, path: ['containers', 'cna'] },
      ...adps.map((adp, i) => ({ json: object(adp, ['containers', 'adp', i], fail), path: ['containers', 'adp', i] })),
    ];
    for (const { json, path } of containerList) {
      const at: At = (...rest) => pointer(...path, ...rest);
      const source = (...rest: (string | number)[]): SourceRef => ({
        format: 'cve5',
        document: file,
        locator: at(...rest),
      });
      const provider =
        isObject(json.providerMetadata) && typeof json.providerMetadata.shortName === 'string'
          ? json.providerMetadata.shortName
          : path.length === 2
            ? 'CNA'
            : 'ADP';
      readContainer({
        cve,
        json,
        provider,
        source,
        fail: (problem, ...rest) => fail(problem, [...path, ...rest]),
        date: (v, ...rest) => date(v, [...path, ...rest]),
        into: result,
      });
    }
    result.cwes = [...new Set(result.cwes)];
    return { kind: 'bulletins', advisories: [], cves: [result] };
  },
};

interface ContainerContext {
  cve: string;
  json: Json;
  provider: string;
  source: (...path: (string | number)[]) => SourceRef;
  fail: (problem: string, ...path: (string | number)[]) => never;
  date: (value: unknown, ...path: (string | number)[]) => string | undefined;
  into: CveRecord;
}

function readContainer(c: ContainerContext): void {
  const { cve, json, into } = c;
  const list = (key: string): unknown[] =>
    json[key] === undefined ? [] : array(json[key], [key], (p, path) => c.fail(p, ...path));

  list('descriptions').forEach((d, i) => {
    const description = object(d, ['descriptions', i], (p, path) => c.fail(p, ...path));
    if (
      typeof description.lang === 'string' &&
      description.lang.toLowerCase().startsWith('en') &&
      typeof description.value === 'string'
    ) {
      into.descriptions.push({ cve, text: description.value, source: c.source('descriptions', i) } satisfies TextFact);
    }
  });
  list('references').forEach((r, i) => {
    const reference = object(r, ['references', i], (p, path) => c.fail(p, ...path));
    const url = string(reference.url, ['references', i, 'url'], (p, path) => c.fail(p, ...path));
    const tags = Array.isArray(reference.tags) ? reference.tags.filter((t): t is string => typeof t === 'string') : [];
    into.references.push({ url, tags, source: c.source('references', i) } satisfies Reference);
    // the CNA and the CVE Program container repeat the same references: one fact per exploit URL
    if (tags.includes('exploit') && !into.exploitation.some((e) => e.evidence.endsWith(` ${url}`)))
      into.exploitation.push({
        cve,
        status: 'poc',
        evidence: `${c.provider} reference tagged exploit: ${url}`,
        source: c.source('references', i),
      });
  });
  list('problemTypes').forEach((p, i) => {
    const problemType = object(p, ['problemTypes', i], (problem, path) => c.fail(problem, ...path));
    const descriptions = Array.isArray(problemType.descriptions) ? problemType.descriptions : [];
    for (const d of descriptions)
      if (isObject(d) && typeof d.cweId === 'string' && /^CWE-\d+$/.test(d.cweId)) into.cwes.push(d.cweId);
  });
  list('metrics').forEach((m, i) => {
    const metric = object(m, ['metrics', i], (p, path) => c.fail(p, ...path));
    for (const [key, version] of CVSS_KEYS) {
      if (metric[key] === undefined) continue;
      const cvss = object(metric[key], ['metrics', i, key], (p, path) => c.fail(p, ...path));
      const baseScore = cvss.baseScore;
      if (typeof baseScore !== 'number' || baseScore < 0 || baseScore > 10)
        c.fail('baseScore must be a number 0-10', 'metrics', i, key, 'baseScore');
      const vector = string(cvss.vectorString, ['metrics', i, key, 'vectorString'], (p, path) => c.fail(p, ...path));
      into.scores.push({
        cve,
        version,
        baseScore: baseScore as number,
        vector,
        ...(typeof cvss.baseSeverity === 'string' ? { severity: cvss.baseSeverity } : {}),
        scoredBy: c.provider,
        source: c.source('metrics', i, key),
      } satisfies Score);
    }
    if (isObject(metric.other)) readOther(c, metric.other, i);
  });
}

const SSVC_EXPLOITATION: Record<string, SsvcFact['exploitation']> = {
  none: 'none',
  poc: 'poc',
  'public poc': 'poc',
  active: 'active',
};

/** `metrics[].other`: CISA-ADP's SSVC decision points and its KEV listing; other kinds are not read. */
function readOther(c: ContainerContext, other: Json, i: number): void {
  const { cve, into } = c;
  const content = isObject(other.content) ? other.content : {};
  if (other.type === 'ssvc') {
    const options = Array.isArray(content.options) ? content.options : [];
    // options are single-key objects with human labels: [{"Exploitation":"active"},{"Technical Impact":"total"}]
    const values = new Map<string, string>();
    for (const option of options)
      if (isObject(option))
        for (const [k, v] of Object.entries(option))
          if (typeof v === 'string') values.set(k.toLowerCase(), v.toLowerCase());
    const source = c.source('metrics', i, 'other');
    const exploitationText = values.get('exploitation');
    const exploitation = exploitationText === undefined ? undefined : SSVC_EXPLOITATION[exploitationText];
    if (exploitationText !== undefined && !exploitation)
      c.fail(
        `SSVC Exploitation "${exploitationText}" is none of none, poc, active`,
        'metrics',
        i,
        'other',
        'content',
        'options',
      );
    const automatable = values.get('automatable');
    if (automatable !== undefined && automatable !== 'yes' && automatable !== 'no')
      c.fail(`SSVC Automatable "${automatable}" is neither yes nor no`, 'metrics', i, 'other', 'content', 'options');
    const impact = values.get('technical impact');
    if (impact !== undefined && impact !== 'partial' && impact !== 'total')
      c.fail(
        `SSVC Technical Impact "${impact}" is neither partial nor total`,
        'metrics',
        i,
        'other',
        'content',
        'options',
      );
    const timestamp = c.date(content.timestamp, 'metrics', i, 'other', 'content', 'timestamp');
    const ssvc: SsvcFact = {
      cve,
      ...(exploitation ? { exploitation } : {}),
      ...(automatable ? { automatable: automatable as 'yes' | 'no' } : {}),
      ...(impact ? { technicalImpact: impact as 'partial' | 'total' } : {}),
      ...(typeof content.role === 'string' ? { role: content.role } : {}),
      ...(typeof content.version === 'string' ? { version: content.version } : {}),
      ...(timestamp ? { timestamp } : {}),
      source,
    };
    into.ssvc = ssvc;
    if (exploitation === 'active' || exploitation === 'poc') {
      into.exploitation.push({
        cve,
        status: exploitation,
        evidence: `${c.provider} SSVC Exploitation: ${exploitationText}`,
        ...(timestamp ? { date: timestamp.slice(0, 10) } : {}),
        source,
      } satisfies ExploitationFact);
    }
  }
  if (other.type === 'kev') {
    const dateAdded = c.date(content.dateAdded, 'metrics', i, 'other', 'content', 'dateAdded');
    if (!dateAdded) return c.fail('a KEV entry needs dateAdded', 'metrics', i, 'other', 'content');
    const source = c.source('metrics', i, 'other');
    into.kev = {
      cve,
      dateAdded,
      ...(typeof content.reference === 'string' ? { notes: content.reference } : {}),
      source,
    } satisfies KevFact;
    into.exploitation.push({
      cve,
      status: 'active',
      evidence: `listed in CISA KEV on ${dateAdded} (per ${c.provider})`,
      date: dateAdded,
      source,
    });
  }
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function object(
  value: unknown,
  path: (string | number)[],
  fail: (problem: string, path: (string | number)[]) => never,
): Json {
  return isObject(value) ? value : fail('expected an object', path);
}

function array(
  value: unknown,
  path: (string | number)[],
  fail: (problem: string, path: (string | number)[]) => never,
): unknown[] {
  return Array.isArray(value) ? value : fail('expected an array', path);
}

function string(
  value: unknown,
  path: (string | number)[],
  fail: (problem: string, path: (string | number)[]) => never,
): string {
  return typeof value === 'string' ? value : fail('expected a string', path);
}
