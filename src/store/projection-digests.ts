/**
 * Digests of the lookup tables (the projections of `source.imported` events). A table's digest is sha256 over its
 * rows in key order, each row as the JSON array of its column values: equal digests mean equal bytes.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Every lookup table and the order that makes its digest independent of insertion order. */
export const LOOKUP_TABLES = {
  advisory_records: 'event_seq, id, record',
  cve_records: 'event_seq, cve, format, record',
  advisory_cves: 'advisory_id, cve',
  epss_imports: 'event_seq',
  epss_buckets: 'bucket, event_seq',
  inventory_views: 'event_seq, position',
  inventory_assets: 'ord, id',
  exposure_filters: 'name, families',
  exposure_network: 'id',
} as const;

export type LookupTable = keyof typeof LOOKUP_TABLES;

export const ALL_LOOKUP_TABLES = Object.keys(LOOKUP_TABLES) as LookupTable[];

export interface TableDigest {
  table: LookupTable;
  rows: number;
  digest: string;
}

export interface RecordedDigest extends TableDigest {
  eventSeq: number;
}

export function tableDigest(db: Database.Database, table: LookupTable): TableDigest {
  const hash = createHash('sha256');
  let rows = 0;
  for (const row of tableRows(db, table)) {
    hash.update(JSON.stringify(row));
    hash.update('\n');
    rows++;
  }
  return { table, rows, digest: hash.digest('hex') };
}

/** The rows of a table in digest order, as arrays of column values. */
export function tableRows(db: Database.Database, table: LookupTable): Iterable<unknown[]> {
  return db.prepare(`SELECT * FROM ${table} ORDER BY ${LOOKUP_TABLES[table]}`).raw().iterate() as Iterable<unknown[]>;
}

/** The column names of a table, in the order `tableRows` gives their values. */
export function tableColumns(db: Database.Database, table: LookupTable): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[]).map(
    (column) => column.name,
  );
}

/** Call inside the transaction that changed the tables. */
export function recordDigests(db: Database.Database, tables: readonly LookupTable[], eventSeq: number): void {
  const upsert = db.prepare(
    `INSERT INTO projection_digests (table_name, rows, digest, event_seq) VALUES (?, ?, ?, ?)
     ON CONFLICT (table_name) DO UPDATE SET rows = excluded.rows, digest = excluded.digest, event_seq = excluded.event_seq`,
  );
  for (const table of tables) {
    const { rows, digest } = tableDigest(db, table);
    upsert.run(table, rows, digest, eventSeq);
  }
}

export function recordedDigests(db: Database.Database): Map<string, RecordedDigest> {
  const rows = db.prepare('SELECT table_name, rows, digest, event_seq FROM projection_digests').all() as {
    table_name: LookupTable;
    rows: number;
    digest: string;
    event_seq: number;
  }[];
  return new Map(
    rows.map((row) => [
      row.table_name,
      { table: row.table_name, rows: row.rows, digest: row.digest, eventSeq: row.event_seq },
    ]),
  );
}
