/**
 * JSON reading with bounds and places. A linear, iterative scan checks the syntax, the nesting depth and the
 * number of values before JSON.parse builds anything, and names the line and column of the first problem: V8's own
 * messages give no position for some errors (`[1,,2]`) and quote the input, sometimes across lines.
 */
import { InputError } from './errors';
import { INPUT_LIMITS } from './input-limits';

export function parseJsonText(file: string, text: string): unknown {
  const problem = scanJson(text);
  if (problem) {
    const { line, column } = lineAndColumn(text, problem.offset);
    throw new InputError(file, problem.message, { line, column });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // the scan and the engine disagree: report the engine, on one line
    throw new InputError(file, `invalid JSON: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)}`);
  }
}

interface ScanProblem {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- a JSON string may not hold raw control characters
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

const OBJECT = 1;
const ARRAY = 2;

/** The first syntax problem or exceeded bound, or undefined when the text is one well-formed JSON value. */
export function scanJson(text: string): ScanProblem | undefined {
  return new JsonScan(text).run();
}

/** One pass over the text, at `i`, with the open containers on `stack` (1..depth). */
class JsonScan {
  private readonly length: number;
  private readonly stack = new Uint8Array(INPUT_LIMITS.maxDepth + 1);
  private depth = 0;
  private values = 0;
  private i = 0;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  /** Each turn reads one value, then the punctuation after it, closing containers as they end. */
  run(): ScanProblem | undefined {
    for (;;) {
      const read = this.value();
      if (read === 'opened') {
        if (this.stack[this.depth] === OBJECT) {
          const problem = this.objectKey();
          if (problem) return problem;
        }
        continue;
      }
      if (read !== 'complete') return read;
      const after = this.afterValue();
      if (after !== 'more') return after;
    }
  }

  /** One value; a container that is not empty is left open for the values inside it. */
  private value(): ScanProblem | 'opened' | 'complete' {
    const text = this.text;
    this.skipSpace();
    if (++this.values > INPUT_LIMITS.maxNodes)
      return {
        offset: this.i,
        message: `invalid JSON: more than ${INPUT_LIMITS.maxNodes.toLocaleString('en')} values: refused as too large`,
      };
    const c = text.charCodeAt(this.i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) return this.open(c);
    if (c === 0x22) return this.string() ?? 'complete';
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = this.i;
      if (!NUMBER.test(text)) return this.fail('a number');
      this.i = NUMBER.lastIndex;
    } else if (text.startsWith('true', this.i)) this.i += 4;
    else if (text.startsWith('false', this.i)) this.i += 5;
    else if (text.startsWith('null', this.i)) this.i += 4;
    else return this.fail('a value');
    return 'complete';
  }

  private open(c: number): ScanProblem | 'opened' | 'complete' {
    if (this.depth >= INPUT_LIMITS.maxDepth)
      return {
        offset: this.i,
        message: `invalid JSON: nested more than ${INPUT_LIMITS.maxDepth} levels deep: refused`,
      };
    this.stack[++this.depth] = c === 0x7b ? OBJECT : ARRAY;
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== (c === 0x7b ? 0x7d : 0x5d)) return 'opened';
    this.depth--;
    this.i++;
    return 'complete';
  }

  /** After a complete value: a comma, or the end of its container(s), or the end of the document. */
  private afterValue(): ScanProblem | 'more' | undefined {
    for (;;) {
      this.skipSpace();
      if (this.depth === 0) return this.i < this.length ? this.fail('the end of the document') : undefined;
      const next = this.text.charCodeAt(this.i);
      const inObject = this.stack[this.depth] === OBJECT;
      if (next === 0x2c /* , */) {
        this.i++;
        if (!inObject) return 'more';
        this.skipSpace();
        return this.objectKey() ?? 'more';
      }
      if (next === (inObject ? 0x7d : 0x5d)) {
        this.depth--;
        this.i++;
        continue;
      }
      return this.fail(inObject ? "',' or '}'" : "',' or ']'");
    }
  }

  private objectKey(): ScanProblem | undefined {
    if (this.text.charCodeAt(this.i) !== 0x22) return this.fail('a property name in double quotes');
    const problem = this.string();
    if (problem) return problem;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== 0x3a) return this.fail("':'");
    this.i++;
    return undefined;
  }

  private string(): ScanProblem | undefined {
    const text = this.text;
    let i = this.i + 1; // after the opening quote
    for (;;) {
      STRING_RUN.lastIndex = i;
      STRING_RUN.exec(text);
      i = STRING_RUN.lastIndex;
      if (i >= this.length)
        return { offset: this.length, message: 'invalid JSON: the document ends early (truncated?) inside a string' };
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return undefined;
      }
      if (c !== 0x5c)
        return { offset: i, message: 'invalid JSON: a control character (such as a raw line break) inside a string' };
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return { offset: i, message: 'invalid JSON: a bad escape sequence in a string' };
      i = ESCAPE.lastIndex;
    }
  }

  private skipSpace(): void {
    const text = this.text;
    let i = this.i;
    for (; i < this.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    this.i = i;
  }

  private fail(expected: string): ScanProblem {
    const i = this.i;
    return i >= this.text.trimEnd().length
      ? { offset: Math.min(i, this.length), message: 'invalid JSON: the document ends early (truncated?)' }
      : { offset: i, message: `invalid JSON: expected ${expected}, found ${this.found()}` };
  }

  private found(): string {
    if (this.i >= this.length) return 'the end of the document';
    const c = this.text[this.i]!;
    return /[\x21-\x7e]/.test(c)
      ? `'${c}'`
      : `character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
