/**
 * Windows `Get-HotFix | Export-Csv` (Win32_QuickFixEngineering rows; Windows PowerShell 5.1 writes a `#TYPE …`
 * first line unless -NoTypeInformation). The host is PSComputerName, else CSName, else Source. InstalledOn is in
 * the exporting machine's locale: read as src/inventory/locale-dates.ts says, else left unknown with a warning.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { checkCsvRecords, CSV_LIMITS } from '../../common/input-limits';
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { fileDateOrder, readLocaleDate } from '../locale-dates';
import { inventorySource } from '../inventory-source';
import type { InventoryBatch } from '../model';

const HOST_COLUMNS = ['PSComputerName', 'CSName', 'Source'];

export const getHotfixFormat: FormatHandler<InventoryBatch> = {
  format: 'get-hotfix',
  description: 'Windows Get-HotFix | Export-Csv (installed KBs per host)',
  detect: (doc) =>
    doc.json === undefined && !doc.xmlRoot && /^(#TYPE[^\n]*\r?\n)?[^\n]*\bHotFixID\b/i.test(doc.text.slice(0, 4096)),
  parse: parseGetHotfix,
};

function parseGetHotfix(doc: SniffedDocument): InventoryBatch {
  const typeLine = /^#TYPE[^\n]*\n/.test(doc.text) ? 1 : 0;
  let records: Record<string, string>[];
  try {
    records = parseCsv(doc.text, {
      ...CSV_LIMITS,
      columns: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new InputError(
      doc.name,
      `not a readable CSV: ${e.message.replace(/ on line \d+$/, '')}`,
      e.lines ? { line: e.lines } : {},
    );
  }
  checkCsvRecords(doc.name, records);
  const header = Object.keys(records[0] ?? {});
  const dates = records
    .map((row, i) => ({ text: row.InstalledOn ?? '', where: `line ${typeLine + i + 2}` }))
    .filter((d) => d.text);
  const order = fileDateOrder(dates, doc.locale);
  const warnings: string[] = [];
  const hostColumn = HOST_COLUMNS.find((c) => header.includes(c));
  if (records.length && !hostColumn)
    throw new InputError(doc.name, `no host column: expected one of ${HOST_COLUMNS.join(', ')}`, {
      line: typeLine + 1,
    });
  return {
    kind: 'inventory',
    assets: [],
    fixes: records.flatMap((row, i) => {
      const line = typeLine + i + 2;
      const host = row[hostColumn!];
      const id = normalizeKb(row.HotFixID ?? '');
      if (!host) throw new InputError(doc.name, `a row names no host (${hostColumn} is empty)`, { line });
      // Windows lists service packs and rollups with placeholder ids ("File 1"); only KB ids identify a fix
      if (!id) return [];
      let installedOn: string | undefined;
      if (row.InstalledOn) {
        const reading = readLocaleDate(row.InstalledOn, order);
        if (reading.ok) installedOn = reading.iso;
        else warnings.push(`${doc.name} (line ${line}): ${id} InstalledOn ${reading.problem}`);
      }
      return [
        {
          host,
          id,
          ...(installedOn ? { installedOn } : {}),
          source: inventorySource('get-hotfix', doc.name, `line ${line}`),
        },
      ];
    }),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** "KB958644", "kb958644", "958644" → "KB958644"; anything else is not a KB id. */
export function normalizeKb(text: string): string | undefined {
  const match = /^(?:KB)?(\d{5,8})$/i.exec(text.trim());
  return match ? `KB${match[1]}` : undefined;
}
