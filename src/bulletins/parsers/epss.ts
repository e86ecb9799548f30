/** FIRST EPSS bulk CSV (`epss_scores-YYYY-MM-DD.csv[.gz]`): one exploit-prediction score per CVE, kept column-wise. */
import type { FormatHandler } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import type { SourceRef } from '../../common/provenance';
import type { BulletinBatch, CveRecord, EpssFact, EpssTable } from '../model';

const HEADER = 'cve,epss,percentile';
const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export const epssFormat: FormatHandler<BulletinBatch> = {
  format: 'epss',
  description: 'FIRST EPSS scores (CSV, #model_version comment line + cve,epss,percentile)',
  detect(doc) {
    if (doc.json !== undefined || doc.xmlRoot !== undefined) return false;
    const head = doc.text.slice(0, 200);
    return head.startsWith('#model_version:') || head.replace(/\r/g, '').startsWith(HEADER + '\n');
  },
  parse(doc) {
    return { kind: 'bulletins', advisories: [], cves: [], epssTable: parseEpss(doc.name, doc.text) };
  },
};

/**
 * Rows are split by hand rather than with csv-parse: an EPSS row is a CVE id and two decimals, never quoted, and
 * a plain split is several times faster on a 300,000-row file. Anything that is not exactly that is refused.
 */
export function parseEpss(file: string, text: string): EpssTable {
  let offset = 0;
  let lineNo = 0;
  const nextLine = (): string | undefined => {
    if (offset >= text.length) return undefined;
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    let line = text.slice(offset, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    offset = end + 1;
    lineNo++;
    return line;
  };

  let line = nextLine();
  const meta: { modelVersion?: string; scoreDate?: string } = {};
  if (line?.startsWith('#')) {
    for (const pair of line.slice(1).split(',')) {
      const colon = pair.indexOf(':');
      const key = pair.slice(0, colon).trim();
      const value = pair.slice(colon + 1).trim();
      if (key === 'model_version') meta.modelVersion = value;
      if (key === 'score_date') {
        const reading = readIsoDate(value);
        if (!reading.ok) throw new InputError(file, `score_date: ${reading.problem}`, { line: lineNo });
        meta.scoreDate = reading.iso;
      }
    }
    line = nextLine();
  }
  if (line === undefined || line.trim().toLowerCase() !== HEADER) {
    throw new InputError(file, `expected the EPSS header "${HEADER}", found "${(line ?? '').slice(0, 60)}"`, {
      line: lineNo || 1,
    });
  }

  const firstLine = lineNo + 1;
  const rows: string[] = [];
  let blankAt = 0;
  while ((line = nextLine()) !== undefined) {
    if (line === '') {
      blankAt ||= lineNo;
      continue;
    }
    // rows sit on consecutive lines so that a row's line number is firstLine + index, with no per-row bookkeeping
    if (blankAt) throw new InputError(file, 'blank line between EPSS rows', { line: blankAt });
    const comma1 = line.indexOf(',');
    const comma2 = comma1 < 0 ? -1 : line.indexOf(',', comma1 + 1);
    if (comma2 < 0 || line.indexOf(',', comma2 + 1) >= 0)
      throw new InputError(file, `expected 3 fields (cve,epss,percentile), found "${line.slice(0, 60)}"`, {
        line: lineNo,
      });
    const cve = line.slice(0, comma1);
    if (!CVE_ID.test(cve))
      throw new InputError(file, `"${cve.slice(0, 40)}" is not a CVE id (CVE-YYYY-NNNN)`, { line: lineNo, column: 1 });
    probability(file, line.slice(comma1 + 1, comma2), 'epss', lineNo, comma1 + 2);
    probability(file, line.slice(comma2 + 1), 'percentile', lineNo, comma2 + 2);
    rows.push(line);
  }
  if (rows.length === 0) throw new InputError(file, 'no EPSS rows after the header', { line: lineNo });
  return {
    ...meta,
    source: { format: 'epss', document: file },
    firstLine,
    rowCount: rows.length,
    rows: rows.join(' '),
  };
}

function probability(file: string, text: string, column: string, line: number, at: number): void {
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1))
    throw new InputError(file, `${column} "${text.slice(0, 20)}" is not a number between 0 and 1`, {
      line,
      column: at,
    });
}

/** Calls `visit` for each row of a table, in file order, with the row's text and its parts. */
export function forEachEpssRow(
  table: Pick<EpssTable, 'rows'>,
  visit: (row: string, cve: string, index: number) => void,
): void {
  const text = table.rows;
  let start = 0;
  for (let index = 0; start < text.length; index++) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    const row = text.slice(start, end);
    visit(row, row.slice(0, row.indexOf(',')), index);
    start = end + 1;
  }
}

/** A stored row (`cve,epss,percentile`, index `index` in its file) as the CveRecord a bulletin merges. */
export function epssRecord(
  table: Pick<EpssTable, 'modelVersion' | 'scoreDate' | 'source' | 'firstLine'>,
  index: number,
  row: string,
): CveRecord {
  const [cve, score, percentile] = row.split(',') as [string, string, string];
  const source: SourceRef = { ...table.source, locator: `line ${table.firstLine + index}` };
  const epss: EpssFact = {
    cve,
    score: Number(score),
    percentile: Number(percentile),
    ...(table.modelVersion ? { modelVersion: table.modelVersion } : {}),
    ...(table.scoreDate ? { scoreDate: table.scoreDate } : {}),
    source,
  };
  return { cve, descriptions: [], products: [], scores: [], exploitation: [], epss, cwes: [], references: [], source };
}
