/** Test helper: a temporary copy of the shipped rules/ folder that a test may edit. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHIPPED_RULES = join(__dirname, '..', '..', 'rules');

export function copyRules(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'patchcall-rules-')), 'rules');
  cpSync(SHIPPED_RULES, dir, { recursive: true });
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function editJson(path: string, edit: (json: any) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json, null, 2));
}

export function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/).map(splitCsvLine);
  return lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!])));
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** The column whose decision-point name (without version and namespace) is `name`. */
export function column(row: Record<string, string>, name: string): string {
  const key = Object.keys(row).find(
    (k) =>
      k
        .replace(/\s+v[\d.]+(\s*\(.*\))?$/i, '')
        .trim()
        .toLowerCase() === name.toLowerCase(),
  );
  if (!key) throw new Error(`no column "${name}" in ${Object.keys(row).join(', ')}`);
  return row[key]!;
}
