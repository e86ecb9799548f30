/** CSV for people who open it in a spreadsheet: quoted by csv-stringify, and no cell runs as a formula. */
import { stringify } from 'csv-stringify/sync';

/** A leading quote stops spreadsheet programs from running a cell that starts with = + - @ (or a tab/CR) as a formula. */
export function formulaSafeCsv(rows: (string | number)[][]): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell))),
  );
}
