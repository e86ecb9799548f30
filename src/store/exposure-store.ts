/**
 * Filters and the network description, cached from `source.imported` events: the latest filter per name and
 * family set, and the latest network description. The log keeps every earlier version.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../common/canonical-json';
import type { Filter, FilterBatch } from '../exposure/model';
import type { NetworkBatch, NetworkDescription } from '../exposure/network-model';

/** Call inside the transaction that appended the event. */
export function projectFilters(db: Database.Database, eventSeq: number, batch: FilterBatch): void {
  const upsert = db.prepare(
    `INSERT INTO exposure_filters (name, families, event_seq, filter) VALUES (?, ?, ?, ?)
     ON CONFLICT (name, families) DO UPDATE SET event_seq = excluded.event_seq, filter = excluded.filter`,
  );
  for (const filter of batch.filters) {
    const stamped: Filter = { ...filter, source: { ...filter.source, eventSeq } };
    upsert.run(filter.name, familiesKey(filter), eventSeq, canonicalJson(stamped));
  }
}

export function projectNetwork(db: Database.Database, eventSeq: number, batch: NetworkBatch): void {
  db.prepare(
    `INSERT INTO exposure_network (id, event_seq, network) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET event_seq = excluded.event_seq, network = excluded.network`,
  ).run(eventSeq, canonicalJson(batch.network));
}

export function clearExposureInputs(db: Database.Database): void {
  db.exec('DELETE FROM exposure_filters; DELETE FROM exposure_network;');
}

/** Current filters, oldest import first (the engine lets a later filter of the same name and family win). */
export function loadFilters(db: Database.Database): Filter[] {
  const rows = db.prepare('SELECT filter FROM exposure_filters ORDER BY event_seq, name, families').all() as {
    filter: string;
  }[];
  return rows.map((row) => JSON.parse(row.filter) as Filter);
}

export function loadNetwork(db: Database.Database): { network: NetworkDescription; eventSeq: number } | undefined {
  const row = db.prepare('SELECT event_seq, network FROM exposure_network WHERE id = 1').get() as
    { event_seq: number; network: string } | undefined;
  return row ? { network: JSON.parse(row.network) as NetworkDescription, eventSeq: row.event_seq } : undefined;
}

/** sha256 over the current filters and network description: the exposure snapshot a decision was made on. */
export function exposureInputsDigest(db: Database.Database): string {
  const filters = db.prepare('SELECT name, families, filter FROM exposure_filters ORDER BY name, families').all() as {
    name: string;
    families: string;
    filter: string;
  }[];
  const network = db.prepare('SELECT network FROM exposure_network WHERE id = 1').get() as
    { network: string } | undefined;
  const hash = createHash('sha256');
  for (const row of filters) hash.update(`filter\0${row.name}\0${row.families}\0${row.filter}\n`);
  hash.update(`network\0${network?.network ?? ''}\n`);
  return hash.digest('hex');
}

function familiesKey(filter: Filter): string {
  return [...filter.families].sort().join(',');
}
