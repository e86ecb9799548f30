/**
 * Folds what every source says into one Bulletin. Newer revisions of an advisory replace older ones; for each
 * CVE, the newest record of each feed (NVD, CVE JSON 5, KEV, EPSS…) is kept and the feeds are combined, so every
 * fact keeps the source that stated it.
 */
import type { SourceRef } from '../common/provenance';
import type { AdvisoryRecord, Bulletin, CveRecord } from './model';
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
  const restartStatements = remediations.filter((r) => r.category === 'vendor_fix' && r.restartRequired !== undefined);
  const restartYes = restartStatements.find((r) => r.restartRequired);
  const restartRequired = restartYes
    ? { value: true, source: restartYes.source }
    : restartStatements.length
      ? { value: false, source: restartStatements[0]!.source }
      : undefined;

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
    ...(latest?.automatable ? { automatable: { value: latest.automatable, source: latest.source } } : {}),
    cycle: classifyCycle(
      vendor?.value,
      releasedAt?.value,
      products.map((p) => p.name),
      calendars,
    ),
    sources,
  };
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
