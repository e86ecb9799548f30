/**
 * Bounds on the work any one input can cause, shared by every reader (`patchcall import`, POST /bulletins, audit
 * files). The size limit (PATCHCALL_MAX_INPUT_MB) bounds the bytes; these bound what a parser builds from them,
 * checked by a linear scan before the parser runs, so no input can exhaust the stack, the heap or the clock.
 */
import { InputError } from './errors';

export const INPUT_LIMITS = {
  /** Nesting of arrays/objects (JSON, YAML) or elements (XML). Real feeds nest fewer than 20 levels. */
  maxDepth: 100,
  /** Values (JSON), elements (XML): a 64 MiB NVD or nmap file holds a few million. */
  maxNodes: 5_000_000,
  /** YAML is written by hand (rosters, networks, bulletins): the yaml library's cost grows fast beyond this. */
  maxYamlLines: 200_000,
  maxYamlFlowIndicators: 200_000,
  /** Leading spaces on a YAML line: 100 levels at two spaces each. */
  maxYamlIndent: 200,
  maxYamlAliases: 50,
  /** One CSV record, in characters. */
  maxCsvRecordChars: 1_000_000,
  /** Records of a CSV read with csv-parse (inventories, KEV): each becomes an asset or an entry. EPSS has its own reader. */
  maxCsvRecords: 100_000,
} as const;

/** Options every csv-parse call spreads in: parsing stops one record past the limit, so checkCsvRecords can refuse. */
export const CSV_LIMITS = {
  max_record_size: INPUT_LIMITS.maxCsvRecordChars,
  to: INPUT_LIMITS.maxCsvRecords + 2,
} as const;

export function checkCsvRecords(file: string, records: unknown[]): void {
  if (records.length > INPUT_LIMITS.maxCsvRecords)
    throw new InputError(
      file,
      `more than ${INPUT_LIMITS.maxCsvRecords.toLocaleString('en')} CSV records: refused as too large (split the file)`,
    );
}

const QUOTE_LIMIT = 80;

/** A value quoted in an error message: JSON-quoted, cut to about 80 characters. */
export function quoteValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return cutText(text, QUOTE_LIMIT);
}

export function cutText(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}… (${text.length} characters)` : text;
}

/** Bounds of a parsed value, walked iteratively (the value may be as deep as the parser allowed). */
export function checkValueBounds(file: string, value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (++nodes > INPUT_LIMITS.maxNodes)
      throw new InputError(
        file,
        `more than ${INPUT_LIMITS.maxNodes.toLocaleString('en')} values: refused as too large`,
      );
    if (node === null || typeof node !== 'object') continue;
    if (depth > INPUT_LIMITS.maxDepth)
      throw new InputError(file, `nested more than ${INPUT_LIMITS.maxDepth} levels deep: refused`);
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) stack.push([child, depth + 1]);
  }
}

/**
 * Cheap structural bounds of XML, before a parser sees it: element nesting and count. Tags inside comments and
 * CDATA are skipped; the count is approximate in the parser's favour (a `>` inside an attribute value is rare).
 */
export function checkXmlBounds(file: string, text: string): void {
  let depth = 0;
  let elements = 0;
  let at = text.indexOf('<');
  while (at !== -1) {
    const next = text.charCodeAt(at + 1);
    if (text.startsWith('<!--', at)) at = skipPast(text, '-->', at);
    else if (text.startsWith('<![CDATA[', at)) at = skipPast(text, ']]>', at);
    else if (next === 0x3f /* ? */ || next === 0x21 /* ! */) at = skipPast(text, '>', at);
    else if (next === 0x2f /* / */) {
      depth--;
      at = skipPast(text, '>', at);
    } else {
      const end = text.indexOf('>', at);
      if (end === -1) break;
      if (text.charCodeAt(end - 1) !== 0x2f) depth++;
      if (++elements > INPUT_LIMITS.maxNodes)
        throw new InputError(
          file,
          `more than ${INPUT_LIMITS.maxNodes.toLocaleString('en')} XML elements: refused as too large`,
        );
      if (depth > INPUT_LIMITS.maxDepth)
        throw new InputError(file, `XML elements nested more than ${INPUT_LIMITS.maxDepth} levels deep: refused`, {
          line: lineAt(text, at),
        });
      at = end + 1;
    }
    if (at === -1) break;
    at = text.indexOf('<', at);
  }
}

function skipPast(text: string, marker: string, from: number): number {
  const end = text.indexOf(marker, from);
  return end === -1 ? -1 : end + marker.length;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
