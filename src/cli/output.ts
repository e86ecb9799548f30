/** Human output of the CLI: aligned tables, sparse colour, long lists cut to a count and the first few names. */
import { stripVTControlCharacters, styleText } from 'node:util';
import Table from 'cli-table3';
import { PatchcallError } from '../common/errors';
import type { CliIo, GlobalOptions, TextStyle } from './cli-io';

/**
 * Colour only on a terminal, never when NO_COLOR is set (https://no-color.org), and `--color`/`--no-color`
 * (or `--color=always|never|auto`) override both.
 */
export function textStyle(io: CliIo, options: GlobalOptions): TextStyle {
  const wanted = options.color;
  let colour: boolean;
  if (wanted === true || wanted === 'always') colour = true;
  else if (wanted === false || wanted === 'never') colour = false;
  else if (wanted === undefined || wanted === 'auto')
    colour = Boolean(io.stdoutIsTty) && !(io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '');
  else throw new PatchcallError('USAGE', `--color takes always, never or auto, not "${String(wanted)}"`);
  return { colour, ...(io.stdoutIsTty && io.columns ? { columns: io.columns } : {}) };
}

export type Paint = 'red' | 'yellow' | 'green' | 'bold' | 'dim';

export function paint(style: TextStyle, format: Paint, text: string): string {
  return style.colour ? styleText(format, text, { validateStream: false }) : text;
}

/**
 * An aligned table with a header row. On a terminal, columns that would overflow its width are shrunk and
 * their cells wrapped, widest column first, so no line is longer than the terminal.
 */
export function renderTable(style: TextStyle, header: string[], rows: string[][]): string {
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => longestLine(r[i] ?? ''))) + 1);
  const widths = style.columns ? fitWidths(natural, style.columns) : natural;
  const table = new Table({
    head: header.map((h) => paint(style, 'bold', h)),
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
  });
  table.push(...rows);
  return (
    table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n') + '\n'
  );
}

function longestLine(cell: string): number {
  return Math.max(
    0,
    ...stripVTControlCharacters(cell)
      .split('\n')
      .map((l) => l.length),
  );
}

/** Shrinks the widest columns until the row fits `total` (one separator column between cells). */
function fitWidths(natural: number[], total: number): number[] {
  const widths = [...natural];
  const budget = total - (widths.length - 1);
  const minimum = 8;
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= minimum) break;
    widths[widest]!--;
  }
  return widths;
}

/** "a, b, c, … (58 names)": the first few and a count; every name when `all` (--verbose). */
export function summariseNames(names: string[], all: boolean, first = 5): string {
  if (all || names.length <= first) return names.join(', ');
  return `${names.slice(0, first).join(', ')}, … (${names.length} names; --verbose lists all)`;
}
