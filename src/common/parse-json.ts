/** JSON.parse that reports the line and column of a syntax error instead of a character offset. */
import { InputError } from './errors';

export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const { line, column } = lineAndColumn(text, offset);
      if (offset >= text.trimEnd().length)
        return fail(file, 'invalid JSON: the document ends early (truncated?)', line, column);
      return fail(
        file,
        `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}`,
        line,
        column,
      );
    }
    if (/Unexpected end of JSON input/.test(message)) {
      const { line, column } = lineAndColumn(text, text.length);
      return fail(file, 'invalid JSON: the document ends early (truncated?)', line, column);
    }
    throw new InputError(file, `invalid JSON: ${message}`);
  }
}

function fail(file: string, problem: string, line: number, column: number): never {
  throw new InputError(file, problem, { line, column });
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
