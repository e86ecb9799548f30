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
  const length = text.length;
  const stack = new Uint8Array(INPUT_LIMITS.maxDepth + 1);
  let depth = 0;
  let values = 0;
  let i = 0;

  const skipSpace = () => {
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
  };
  const found = (): string => {
    if (i >= length) return 'the end of the document';
    const c = text[i]!;
    return /[\x21-\x7e]/.test(c)
      ? `'${c}'`
      : `character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  };
  const fail = (expected: string): ScanProblem =>
    i >= text.trimEnd().length
      ? { offset: Math.min(i, length), message: 'invalid JSON: the document ends early (truncated?)' }
      : { offset: i, message: `invalid JSON: expected ${expected}, found ${found()}` };
  const scanString = (): ScanProblem | undefined => {
    i++; // opening quote
    for (;;) {
      STRING_RUN.lastIndex = i;
      STRING_RUN.exec(text);
      i = STRING_RUN.lastIndex;
      if (i >= length)
        return { offset: length, message: 'invalid JSON: the document ends early (truncated?) inside a string' };
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) return { offset: i, message: 'invalid JSON: a bad escape sequence in a string' };
        i = ESCAPE.lastIndex;
        continue;
      }
      return { offset: i, message: 'invalid JSON: a control character (such as a raw line break) inside a string' };
    }
  };

  // each turn reads one value, then the punctuation after it, closing containers as they end
  for (;;) {
    skipSpace();
    if (++values > INPUT_LIMITS.maxNodes)
      return {
        offset: i,
        message: `invalid JSON: more than ${INPUT_LIMITS.maxNodes.toLocaleString('en')} values: refused as too large`,
      };
    const c = text.charCodeAt(i);
    let opened = false;
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= INPUT_LIMITS.maxDepth)
        return { offset: i, message: `invalid JSON: nested more than ${INPUT_LIMITS.maxDepth} levels deep: refused` };
      stack[++depth] = c === 0x7b ? OBJECT : ARRAY;
      i++;
      skipSpace();
      const close = text.charCodeAt(i);
      if (close === (c === 0x7b ? 0x7d : 0x5d)) {
        depth--;
        i++;
      } else opened = true;
    } else if (c === 0x22) {
      const problem = scanString();
      if (problem) return problem;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return fail('a number');
      i = NUMBER.lastIndex;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else return fail('a value');

    if (opened && stack[depth] === OBJECT) {
      const problem = objectKey();
      if (problem) return problem;
      continue;
    }
    if (opened) continue;

    // after a complete value: a comma, or the end of its container(s), or the end of the document
    for (;;) {
      skipSpace();
      if (depth === 0) return i < length ? fail('the end of the document') : undefined;
      const next = text.charCodeAt(i);
      if (next === 0x2c /* , */) {
        i++;
        if (stack[depth] === OBJECT) {
          skipSpace();
          const problem = objectKey();
          if (problem) return problem;
        }
        break;
      }
      if (next === (stack[depth] === OBJECT ? 0x7d : 0x5d)) {
        depth--;
        i++;
        continue;
      }
      return fail(stack[depth] === OBJECT ? "',' or '}'" : "',' or ']'");
    }
  }

  function objectKey(): ScanProblem | undefined {
    if (text.charCodeAt(i) !== 0x22) return fail('a property name in double quotes');
    const problem = scanString();
    if (problem) return problem;
    skipSpace();
    if (text.charCodeAt(i) !== 0x3a) return fail("':'");
    i++;
    return undefined;
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
