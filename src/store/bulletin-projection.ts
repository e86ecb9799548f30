/** The bulletin read model: advisory and CVE records by id, cached from `source.imported` events, stored as canonical JSON (sorted keys: a rebuild gives the same bytes). */
import type Database from 'better-sqlite3';
import type { AdvisoryRecord, BulletinBatch, CveRecord, EpssTable } from '../bulletins/model';
import { epssRecord, forEachEpssRow } from '../bulletins/parsers/epss';
import { canonicalJson } from '../common/canonical-json';

export class BulletinProjection {
  private readonly insertAdvisory: Database.Statement;
  private readonly insertCve: Database.Statement;
  private readonly linkCve: Database.Statement;
  private readonly insertEpssImport: Database.Statement;
  private readonly insertEpssBucket: Database.Statement;
  private readonly epssRows: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertAdvisory = db.prepare('INSERT INTO advisory_records (event_seq, id, record) VALUES (?, ?, ?)');
    this.insertCve = db.prepare('INSERT INTO cve_records (event_seq, cve, format, record) VALUES (?, ?, ?, ?)');
    this.linkCve = db.prepare('INSERT OR IGNORE INTO advisory_cves (advisory_id, cve) VALUES (?, ?)');
    this.insertEpssImport = db.prepare(
      'INSERT INTO epss_imports (event_seq, document, model_version, score_date, first_line) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertEpssBucket = db.prepare('INSERT INTO epss_buckets (bucket, event_seq, rows) VALUES (?, ?, ?)');
    this.epssRows = db.prepare(`SELECT b.event_seq, b.rows, i.document, i.model_version, i.score_date, i.first_line
      FROM epss_buckets b JOIN epss_imports i ON i.event_seq = b.event_seq WHERE b.bucket = ? ORDER BY b.event_seq`);
  }

  /** Call inside the transaction that appended the event. */
  project(eventSeq: number, batch: BulletinBatch): void {
    for (const advisory of batch.advisories) {
      this.insertAdvisory.run(eventSeq, advisory.id, canonicalJson(advisory));
      for (const cve of advisory.cves) this.linkCve.run(advisory.id, cve);
    }
    for (const record of batch.cves)
      this.insertCve.run(eventSeq, record.cve, record.source.format, canonicalJson(record));
    if (batch.epssTable) this.projectEpss(eventSeq, batch.epssTable);
  }

  private projectEpss(eventSeq: number, table: EpssTable): void {
    this.insertEpssImport.run(
      eventSeq,
      table.source.document,
      table.modelVersion ?? null,
      table.scoreDate ?? null,
      table.firstLine,
    );
    const buckets = new Map<string, string[]>();
    forEachEpssRow(table, (row, cve, index) => {
      const key = epssBucket(cve);
      const lines = buckets.get(key);
      if (lines) lines.push(`${row},${index}`);
      else buckets.set(key, [`${row},${index}`]);
    });
    for (const [key, lines] of buckets) this.insertEpssBucket.run(key, eventSeq, lines.join('\n'));
  }

  /** The EPSS rows for one CVE, oldest import first. */
  private epssRecords(cve: string): { event_seq: number; record: CveRecord }[] {
    const rows = this.epssRows.all(epssBucket(cve)) as {
      event_seq: number;
      rows: string;
      document: string;
      model_version: string | null;
      score_date: string | null;
      first_line: number;
    }[];
    return rows.flatMap((row) => {
      const line = row.rows.split('\n').find((text) => text.startsWith(cve + ','));
      if (!line) return [];
      const comma = line.lastIndexOf(',');
      const table = {
        source: { format: 'epss' as const, document: row.document },
        firstLine: row.first_line,
        ...(row.model_version ? { modelVersion: row.model_version } : {}),
        ...(row.score_date ? { scoreDate: row.score_date } : {}),
      };
      return [
        { event_seq: row.event_seq, record: epssRecord(table, Number(line.slice(comma + 1)), line.slice(0, comma)) },
      ];
    });
  }

  clear(): void {
    this.db.exec(
      'DELETE FROM advisory_records; DELETE FROM cve_records; DELETE FROM advisory_cves; DELETE FROM epss_buckets; DELETE FROM epss_imports;',
    );
  }

  advisoryRecords(id: string): AdvisoryRecord[] {
    const rows = this.db
      .prepare('SELECT event_seq, record FROM advisory_records WHERE id = ? COLLATE NOCASE ORDER BY event_seq')
      .all(id) as { event_seq: number; record: string }[];
    return rows.map((row) => withSeq(JSON.parse(row.record) as AdvisoryRecord, row.event_seq));
  }

  cveRecords(cves: string[]): CveRecord[] {
    if (cves.length === 0) return [];
    const statement = this.db.prepare('SELECT event_seq, record FROM cve_records WHERE cve = ? ORDER BY event_seq');
    return cves
      .flatMap((cve) => [
        ...(statement.all(cve.toUpperCase()) as { event_seq: number; record: string }[]).map((row) => ({
          event_seq: row.event_seq,
          record: JSON.parse(row.record) as CveRecord,
        })),
        ...this.epssRecords(cve.toUpperCase()),
      ])
      .sort((a, b) => a.event_seq - b.event_seq)
      .map((row) => withSeq(row.record, row.event_seq));
  }

  hasCve(cve: string): boolean {
    const id = cve.toUpperCase();
    return (
      this.db.prepare('SELECT 1 FROM cve_records WHERE cve = ? LIMIT 1').get(id) !== undefined ||
      this.epssRecords(id).length > 0
    );
  }

  /** Advisory ids with the newest record's title and the event that last touched them. */
  advisoryIds(): { id: string; lastSeq: number }[] {
    return this.db
      .prepare('SELECT id, MAX(event_seq) AS lastSeq FROM advisory_records GROUP BY id ORDER BY MIN(event_seq)')
      .all() as { id: string; lastSeq: number }[];
  }

  advisoriesForCve(cve: string): string[] {
    return (
      this.db.prepare('SELECT advisory_id FROM advisory_cves WHERE cve = ?').all(cve.toUpperCase()) as {
        advisory_id: string;
      }[]
    ).map((r) => r.advisory_id);
  }
}

/** Stamps the import event's number onto every source inside a record, so each fact can be traced to its event. */
function withSeq<T>(record: T, eventSeq: number): T {
  const stamp = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(stamp);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.source && typeof object.source === 'object' && 'format' in (object.source as object))
        (object.source as { eventSeq?: number }).eventSeq = eventSeq;
      for (const child of Object.values(object)) if (child && typeof child === 'object') stamp(child);
    }
  };
  stamp(record);
  return record;
}

/** The CVE id without its last two digits: CVE-2008-4250 → CVE-2008-42. */
function epssBucket(cve: string): string {
  return cve.slice(0, -2);
}
