/** The bulletin read model: advisory and CVE records by id, cached from `source.imported` events. */
import type Database from 'better-sqlite3';
import type { AdvisoryRecord, BulletinBatch, CveRecord } from '../bulletins/model';

export class BulletinProjection {
  private readonly insertAdvisory: Database.Statement;
  private readonly insertCve: Database.Statement;
  private readonly linkCve: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertAdvisory = db.prepare('INSERT INTO advisory_records (event_seq, id, record) VALUES (?, ?, ?)');
    this.insertCve = db.prepare('INSERT INTO cve_records (event_seq, cve, format, record) VALUES (?, ?, ?, ?)');
    this.linkCve = db.prepare('INSERT OR IGNORE INTO advisory_cves (advisory_id, cve) VALUES (?, ?)');
  }

  /** Call inside the transaction that appended the event. */
  project(eventSeq: number, batch: BulletinBatch): void {
    for (const advisory of batch.advisories) {
      this.insertAdvisory.run(eventSeq, advisory.id, JSON.stringify(advisory));
      for (const cve of advisory.cves) this.linkCve.run(advisory.id, cve);
    }
    for (const record of batch.cves) this.insertCve.run(eventSeq, record.cve, record.source.format, JSON.stringify(record));
  }

  clear(): void {
    this.db.exec('DELETE FROM advisory_records; DELETE FROM cve_records; DELETE FROM advisory_cves;');
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
      .flatMap((cve) => statement.all(cve.toUpperCase()) as { event_seq: number; record: string }[])
      .sort((a, b) => a.event_seq - b.event_seq)
      .map((row) => withSeq(JSON.parse(row.record) as CveRecord, row.event_seq));
  }

  hasCve(cve: string): boolean {
    return this.db.prepare('SELECT 1 FROM cve_records WHERE cve = ? LIMIT 1').get(cve.toUpperCase()) !== undefined;
  }

  /** Advisory ids with the newest record's title and the event that last touched them. */
  advisoryIds(): { id: string; lastSeq: number }[] {
    return this.db
      .prepare('SELECT id, MAX(event_seq) AS lastSeq FROM advisory_records GROUP BY id ORDER BY MIN(event_seq)')
      .all() as { id: string; lastSeq: number }[];
  }

  advisoriesForCve(cve: string): string[] {
    return (this.db.prepare('SELECT advisory_id FROM advisory_cves WHERE cve = ?').all(cve.toUpperCase()) as { advisory_id: string }[]).map((r) => r.advisory_id);
  }
}

/** Stamps the import event's number onto every source inside a record, so each fact can be traced to its event. */
function withSeq<T>(record: T, eventSeq: number): T {
  const stamp = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(stamp);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.source && typeof object.source === 'object' && 'format' in (object.source as object)) (object.source as { eventSeq?: number }).eventSeq = eventSeq;
      for (const child of Object.values(object)) if (child && typeof child === 'object') stamp(child);
    }
  };
  stamp(record);
  return record;
}
