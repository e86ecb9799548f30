/**
 * Folds what every source says into one Bulletin. Newer revisions of an advisory replace older ones; for each
 * CVE, the newest record of each feed (NVD, CVE JSON 5, KEV, EPSS…) is kept and the feeds are combined, so every
 * fact keeps the source that stated it.
 */
import type { SourceRef } from '../common/provenance';
import type { AdvisoryRecord, Bulletin, CveRecord, Remediation, SourcedFact } from './model';
import { classifyCycle, type ReleaseCalendars } from './release-cycle';

/**
 * `advisories` and `cveRecords` come in import order (oldest first). `id` is the advisory id, or a CVE id when
 * the bulletin is only known from CVE feeds.
 */
export function mergeBulletin(
  id: string,
  advisories: AdvisoryRecord[],
  cveRecords: CveRecord[],
  calendars: ReleaseCalendars,
): Bulletin {
  const latest = advisories[advisories.length - 1];
  const cves = unique([...(latest?.cves ?? []), ...(advisories.length ? [] : [id])]);
  const records = newestPerFeed(cveRecords.filter((record) => cves.includes(record.cve)));

  const textFrom = <K extends 'title' | 'vendor' | 'releasedAt'>(key: K) => {
    for (const advisory of [...advisories].reverse()) {
      const value = advisory[key];
      if (value) return { value, source: advisory.source };
    }
    return undefined;
  };
  const title =
    textFrom('title') ?? firstOf(records, (r) => (r.title ? { value: r.title, source: r.source } : undefined));
  const vendor =
    textFrom('vendor') ??
    firstOf(records, (r) =>
      r.kev?.vendorProject ? { value: r.kev.vendorProject.trim(), source: r.kev.source } : undefined,
    );
  const releasedAt =
    textFrom('releasedAt') ??
    firstOf(records, (r) => (r.published ? { value: r.published, source: r.source } : undefined));

  const products = [...(latest?.products ?? []), ...records.flatMap((r) => r.products)];
  const remediations = latest?.remediations ?? [];
  const restartRequired = restartRequiredOf(remediations);

  const sources: SourceRef[] = [...advisories.map((a) => a.source), ...records.map((r) => r.source)].sort(
    (a, b) => (a.eventSeq ?? 0) - (b.eventSeq ?? 0),
  );

  return {
    id,
    ...(title ? { title } : {}),
    ...(vendor ? { vendor } : {}),
    ...(releasedAt ? { releasedAt } : {}),
    cves,
    products,
    remediations,
    fixIds: unique(remediations.flatMap((r) => (r.category === 'vendor_fix' ? r.fixIds : []))),
    ...(restartRequired ? { restartRequired } : {}),
    scores: [...(latest?.scores ?? []), ...records.flatMap((r) => r.scores)],
    exploitation: [...(latest?.exploitation ?? []), ...records.flatMap((r) => r.exploitation)],
    ssvc: records.flatMap((r) => (r.ssvc ? [r.ssvc] : [])),
    kev: records.flatMap((r) => (r.kev ? [r.kev] : [])),
    epss: records.flatMap((r) => (r.epss ? [r.epss] : [])),
    references: [...(latest?.references ?? []), ...records.flatMap((r) => r.references)],
    descriptions: [...(latest?.notes ?? []), ...records.flatMap((r) => r.descriptions)],
    cwes: unique(records.flatMap((r) => r.cwes)),
    vulnerablePorts: latest?.vulnerablePorts ?? [],
    workarounds: remediations
      .filter((r) => r.category === 'workaround' || r.category === 'mitigation')
      .map((r) => ({ value: r.details, source: r.source })),
    applicability: records.flatMap((r) => r.applicability ?? []),
    ...(latest?.publisher ? { publisher: { value: latest.publisher, source: latest.source } } : {}),
    ...(latest?.revision ? { revision: { value: latest.revision, source: latest.source } } : {}),
    ...(latest?.updatedAt ? { updatedAt: { value: latest.updatedAt, source: latest.source } } : {}),
    ...(latest?.severity ? { severity: { value: latest.severity, source: latest.source } } : {}),
    ...(latest?.tlp ? { tlp: { value: latest.tlp, source: latest.source } } : {}),
    cweFacts: [
      ...(latest?.cwes ?? []),
      ...records.flatMap((r) => r.cwes.map((value) => ({ cve: r.cve, value, source: r.source }))),
    ],
    discoveryDates: latest?.discoveryDates ?? [],
    exploitCodeMaturity: exploitCodeMaturity([...(latest?.scores ?? []), ...records.flatMap((r) => r.scores)]),
    ...(latest?.automatable ? { automatable: { value: latest.automatable, source: latest.source } } : {}),
    cycle: releaseCycle(latest, vendor?.value, releasedAt, products, calendars),
    sources,
  };
}

/** Restart required when any vendor fix says so; not required only when one says so and none says otherwise. */
function restartRequiredOf(remediations: Remediation[]): Bulletin['restartRequired'] {
  const restartStatements = remediations.filter((r) => r.category === 'vendor_fix' && r.restartRequired !== undefined);
  const restartYes = restartStatements.find((r) => r.restartRequired);
  return restartYes
    ? { value: true, source: restartYes.source }
    : restartStatements.length
      ? { value: false, source: restartStatements[0]!.source }
      : undefined;
}

/** In or out of the vendor's cycle by the vendor's own date; unknown, saying why, when only a CVE feed dates it. */
function releaseCycle(
  latest: AdvisoryRecord | undefined,
  vendor: string | undefined,
  releasedAt: { value: string; source: SourceRef } | undefined,
  products: Bulletin['products'],
  calendars: ReleaseCalendars,
): Bulletin['cycle'] {
  const cycleDate = vendorReleaseDate(latest);
  return cycleDate
    ? classifyCycle(
        vendor,
        cycleDate.date,
        products.map((p) => p.name),
        calendars,
        cycleDate.what,
      )
    : {
        status: 'unknown',
        reason: releasedAt
          ? `no vendor advisory or fix date imported; ${releasedAt.value.slice(0, 10)} is when ${describeFeed(releasedAt.source.format)} published the record, which says nothing about the vendor's release cycle`
          : 'the bulletin has no release date',
      };
}

/**
 * The date the out-of-cycle test reads: the vendor's own advisory date; for a coordinator's advisory (CISA, a CERT)
 * the vendor fix's date when it gives one, else its own date. Never a CVE feed's publication date.
 */
function vendorReleaseDate(advisory: AdvisoryRecord | undefined): { date: string; what: string } | undefined {
  if (!advisory) return undefined;
  const fixDates = advisory.remediations
    .filter((r) => r.category === 'vendor_fix' && r.date)
    .map((r) => r.date!)
    .sort();
  if (advisory.publisherCategory && advisory.publisherCategory !== 'vendor' && fixDates[0])
    return { date: fixDates[0], what: 'the vendor fix was released' };
  if (advisory.releasedAt) return { date: advisory.releasedAt, what: 'released' };
  return fixDates[0] ? { date: fixDates[0], what: 'the vendor fix was released' } : undefined;
}

function describeFeed(format: string): string {
  return format === 'nvd' ? 'NVD' : format === 'cve5' ? 'the CVE program' : format;
}

const MATURITY: Record<string, string> = {
  U: 'unproven',
  P: 'proof-of-concept',
  F: 'functional',
  H: 'high',
  A: 'attacked',
};

/** CVSS temporal E: values (v2 E:U/POC/F/H, v3 E:U/P/F/H, v4 E:U/P/A) that a score vector states. */
function exploitCodeMaturity(scores: Bulletin['scores']): SourcedFact[] {
  return scores.flatMap((score) => {
    const value = /(?:^|\/)E:(U|POC|P|F|H|A)(?:\/|$)/.exec(score.vector)?.[1];
    if (!value) return [];
    const key = value === 'POC' ? 'P' : value;
    return [
      {
        ...(score.cve ? { cve: score.cve } : {}),
        value: `${MATURITY[key]} (E:${value} in ${score.vector})`,
        source: score.source,
      },
    ];
  });
}

/** For each (CVE, feed format), the record imported last. */
function newestPerFeed(records: CveRecord[]): CveRecord[] {
  const newest = new Map<string, CveRecord>();
  for (const record of records) newest.set(`${record.cve}\u0000${record.source.format}`, record);
  return [...newest.values()];
}

function firstOf<T>(records: CveRecord[], pick: (record: CveRecord) => T | undefined): T | undefined {
  for (const record of records) {
    const value = pick(record);
    if (value !== undefined) return value;
  }
  return undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
