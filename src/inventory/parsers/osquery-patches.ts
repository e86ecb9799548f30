/**
 * osquery's Windows `patches` table as JSON: `osqueryi --json "select * from patches"` (an array of rows, all
 * values strings; the row's `csname` names the host), or the results log of a scheduled query (entries with
 * `hostIdentifier` and `columns`, or `snapshot` rows), saved as one JSON array or object.
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { fileDateOrder, readLocaleDate } from '../locale-dates';
import { pointer } from '../../common/json-pointer';
import { inventorySource } from '../inventory-source';
import type { InventoryBatch } from '../model';
import { normalizeKb } from './get-hotfix';

interface PatchRow {
  row: Record<string, unknown>;
  host?: string;
  at: string;
}

export const osqueryPatchesFormat: FormatHandler<InventoryBatch> = {
  format: 'osquery-patches',
  description: 'osquery patches table (osqueryi --json, or results log entries)',
  detect: (doc) => {
    const first = patchRows(doc.json)[0];
    return !!first && 'hotfix_id' in first.row;
  },
  parse: parseOsqueryPatches,
};

function patchRows(json: unknown): PatchRow[] {
  const entries = Array.isArray(json) ? json : json && typeof json === 'object' ? [json] : [];
  return entries.flatMap((entry, i): PatchRow[] => {
    if (!entry || typeof entry !== 'object') return [];
    const e = entry as Record<string, unknown>;
    const base = Array.isArray(json) ? pointer(i) : '';
    const host = typeof e.hostIdentifier === 'string' ? e.hostIdentifier : undefined;
    if (e.columns && typeof e.columns === 'object')
      return [{ row: e.columns as Record<string, unknown>, ...(host ? { host } : {}), at: `${base}/columns` }];
    if (Array.isArray(e.snapshot))
      return e.snapshot.map((row, j) => ({
        row: row as Record<string, unknown>,
        ...(host ? { host } : {}),
        at: `${base}/snapshot/${j}`,
      }));
    return [{ row: e, at: base }];
  });
}

function parseOsqueryPatches(doc: SniffedDocument): InventoryBatch {
  const rows = patchRows(doc.json);
  // WMI writes InstalledOn as text in the machine's format ("10/24/2008"): the file's dates settle the order
  const order = fileDateOrder(
    rows.map(({ row, at }) => ({ text: text(row.installed_on) ?? '', where: at })).filter((d) => d.text),
    doc.locale,
  );
  const warnings: string[] = [];
  const fixes = rows.flatMap(({ row, host, at }) => {
    const name = text(row.csname) ?? text(row.hostname) ?? text(row.host_identifier) ?? host;
    if (!name)
      throw new InputError(
        doc.name,
        "a patches row names no host (csname, hostname, host_identifier or the log entry's hostIdentifier)",
        { pointer: at },
      );
    const id = normalizeKb(text(row.hotfix_id) ?? '');
    if (!id) return [];
    const installedText = text(row.installed_on);
    const date = installedText ? readLocaleDate(installedText, order) : undefined;
    if (date && !date.ok) warnings.push(`${doc.name} (at ${at}): ${id} installed_on ${date.problem}`);
    return [
      {
        host: name,
        id,
        ...(date?.ok ? { installedOn: date.iso } : {}),
        source: inventorySource('osquery-patches', doc.name, at),
      },
    ];
  });
  return { kind: 'inventory', assets: [], fixes, ...(warnings.length ? { warnings } : {}) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
