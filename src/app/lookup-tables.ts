/**
 * The lookup tables are caches of the log; answers are read from them, so they must agree with it. Two checks:
 * a cheap one at start and in every import (each table's digest against the digest recorded by the transaction
 * that last changed it, and the newest import event against the one the tables took in), and a full one for
 * `audit verify` (every table re-derived from the log in memory, compared row by row).
 */
import Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';
import { BulletinProjection } from '../store/bulletin-projection';
import { migrate, readMigrations } from '../store/migrations';
import {
  ALL_LOOKUP_TABLES,
  recordDigests,
  recordedDigests,
  tableColumns,
  tableDigest,
  tableRows,
  type LookupTable,
} from '../store/projection-digests';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root';
import type { AppContext } from './app-context-type';
import type { ImportBatch } from './formats';
import { projectBatch, type ImportPart } from './project-batch';

export const SOURCE_IMPORTED = 'source.imported';

/** The tables a batch of each kind writes to. */
export function tablesOfKind(kind: ImportBatch['kind']): LookupTable[] {
  switch (kind) {
    case 'bulletins':
      return ['advisory_records', 'cve_records', 'advisory_cves', 'epss_imports', 'epss_buckets'];
    case 'inventory':
      return ['inventory_views', 'inventory_assets'];
    case 'filters':
      return ['exposure_filters'];
    case 'network':
      return ['exposure_network'];
    default:
      return [];
  }
}

export interface TableProblem {
  table: LookupTable | 'all';
  problem: string;
}

/** The cheap check: digests recorded at each projection batch against the tables as they are now. */
export function quickCheckTables(ctx: AppContext): TableProblem[] {
  const recorded = recordedDigests(ctx.db);
  const problems: TableProblem[] = [];
  const newestImport = ctx.events.newestSeq(SOURCE_IMPORTED);
  for (const table of ALL_LOOKUP_TABLES) {
    const record = recorded.get(table);
    if (!record) {
      problems.push({ table, problem: 'no digest is recorded for it (the digest table was changed)' });
      continue;
    }
    const now = tableDigest(ctx.db, table);
    if (now.digest !== record.digest)
      problems.push({
        table,
        problem:
          now.rows !== record.rows
            ? `it has ${now.rows} rows, but ${record.rows} were recorded after event #${record.eventSeq}`
            : `its content changed since event #${record.eventSeq} (same ${now.rows} rows, different digest)`,
      });
    else if (record.eventSeq !== newestImport)
      problems.push({
        table,
        problem: `it was last brought up to date at event #${record.eventSeq}, but the log's newest import is event #${newestImport}`,
      });
  }
  return problems;
}

/** Throws when a lookup table disagrees with the log, so nothing is answered from it. */
export function assertTablesMatchLog(ctx: AppContext): void {
  const problems = quickCheckTables(ctx);
  if (problems.length === 0) return;
  throw new PatchcallError(
    'TABLES_DIFFER',
    `the lookup tables of ${ctx.db.name} disagree with the event log: ${problems.map((p) => `${p.table}: ${p.problem}`).join('; ')}. ` +
      'Nothing was answered from them. Run `patchcall audit rebuild` to re-derive them from the log.',
  );
}

/** Records the digests after a projection batch: recomputed for the tables it wrote, and the import it took in. */
export function recordProjection(ctx: AppContext, eventSeq: number, kinds: ImportBatch['kind'][]): void {
  const touched = new Set(kinds.flatMap(tablesOfKind));
  const recorded = recordedDigests(ctx.db);
  const recompute = ALL_LOOKUP_TABLES.filter((table) => touched.has(table) || !recorded.has(table));
  recordDigests(ctx.db, recompute, eventSeq);
  ctx.db.prepare('UPDATE projection_digests SET event_seq = ?').run(eventSeq);
}

export interface TableDifference {
  table: LookupTable;
  rowsInDatabase: number;
  rowsFromLog: number;
  /** Rows the log gives that the table lacks, rows it has that the log does not give, rows that differ: examples. */
  missing: string[];
  extra: string[];
  changed: string[];
}

/** The full check: re-derives every lookup table from the log in memory and compares it with the stored one. */
export function compareTablesWithLog(ctx: AppContext): TableDifference[] {
  const derived = new Database(':memory:');
  try {
    migrate(derived, readMigrations(join(projectRoot(), 'db', 'migrations')), 'the re-derived tables');
    // the derived tables reference events that live in the real database only
    derived.pragma('foreign_keys = OFF');
    const derivedCtx: AppContext = { ...ctx, db: derived, bulletins: new BulletinProjection(derived) };
    for (const event of ctx.events.read<{ batch?: ImportBatch; part?: ImportPart }>({ type: SOURCE_IMPORTED }))
      if (event.payload.batch) projectBatch(derivedCtx, event.seq, event.payload.batch, event.payload.part);
    const differences: TableDifference[] = [];
    for (const table of ALL_LOOKUP_TABLES) {
      if (tableDigest(ctx.db, table).digest === tableDigest(derived, table).digest) continue;
      differences.push(diffTable(table, ctx.db, derived));
    }
    return differences;
  } finally {
    derived.close();
  }
}

const EXAMPLES = 3;

function diffTable(table: LookupTable, stored: Database.Database, derived: Database.Database): TableDifference {
  const columns = tableColumns(stored, table);
  const keyColumns = LOOKUP_KEYS[table];
  const keyOf = (row: unknown[]) =>
    keyColumns.map((column) => `${column}=${cut(row[columns.indexOf(column)])}`).join(' ');
  const index = (db: Database.Database) => {
    const rows = new Map<string, string>();
    for (const row of tableRows(db, table)) rows.set(keyOf(row), JSON.stringify(row));
    return rows;
  };
  const mine = index(stored);
  const truth = index(derived);
  const difference: TableDifference = {
    table,
    rowsInDatabase: mine.size,
    rowsFromLog: truth.size,
    missing: [],
    extra: [],
    changed: [],
  };
  for (const [key, row] of truth) {
    const have = mine.get(key);
    if (have === undefined) difference.missing.push(key);
    else if (have !== row) difference.changed.push(key);
  }
  for (const key of mine.keys()) if (!truth.has(key)) difference.extra.push(key);
  return difference;
}

/** The columns that name a row in messages (a key, or what identifies it to a person). */
const LOOKUP_KEYS: Record<LookupTable, string[]> = {
  advisory_records: ['event_seq', 'id'],
  cve_records: ['event_seq', 'cve', 'format'],
  advisory_cves: ['advisory_id', 'cve'],
  epss_imports: ['event_seq'],
  epss_buckets: ['bucket', 'event_seq'],
  inventory_views: ['event_seq', 'position'],
  inventory_assets: ['id', 'name'],
  exposure_filters: ['name', 'families'],
  exposure_network: ['id'],
};

function cut(value: unknown): string {
  const text = String(value);
  return text.length > 60 ? text.slice(0, 59) + '…' : text;
}

export type TablesVerdict =
  | { ok: true; checked: number }
  | { ok: false; checked: number; differences: TableDifference[]; recorded: TableProblem[] };

/**
 * `audit verify`: the tables re-derived from the log and compared, and the recorded digests (which the cheap
 * check at start relies on) compared with the tables.
 */
export function verifyLookupTables(ctx: AppContext): TablesVerdict {
  const differences = compareTablesWithLog(ctx);
  const recorded = quickCheckTables(ctx).filter((problem) => !differences.some((d) => d.table === problem.table));
  const checked = ALL_LOOKUP_TABLES.length;
  return differences.length || recorded.length ? { ok: false, checked, differences, recorded } : { ok: true, checked };
}

/** One line per differing table, e.g. "inventory_assets: 11 rows, the log gives 12; missing id=… name=web01". */
export function describeDifference(difference: TableDifference, examples = EXAMPLES): string {
  const parts = [
    `${difference.table}: ${difference.rowsInDatabase} rows in the database, ${difference.rowsFromLog} derived from the log`,
  ];
  const list = (label: string, keys: string[]) => {
    if (keys.length)
      parts.push(
        `${keys.length} ${label} (${keys.slice(0, examples).join('; ')}${keys.length > examples ? '; …' : ''})`,
      );
  };
  list('missing', difference.missing);
  list('not in the log', difference.extra);
  list('changed', difference.changed);
  return parts.join('; ');
}
