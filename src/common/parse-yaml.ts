/**
 * YAML reading with bounds and places. The yaml library builds every error of a broken file (and, with
 * prettyErrors, a context for each), checks duplicate keys pairwise, and recurses on nesting: a 2 MB file of
 * commas took minutes and gigabytes. So: a linear scan bounds lines, flow punctuation and indentation first; the
 * document is composed with the first error thrown at once (its line and column added from its offset);
 * duplicate keys are found with a set; aliases are capped.
 */
import { Composer, isMap, isScalar, Parser, visit, type Document } from 'yaml';
import { InputError } from './errors';
import { checkValueBounds, INPUT_LIMITS, quoteValue } from './input-limits';
import { lineAndColumn } from './parse-json';

type ComposeErrorHandler = (
  source: number | [number, number] | { offset: number },
  code: string,
  message: string,
  warning?: boolean,
) => void;

class FirstYamlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseYamlText(file: string, text: string): unknown {
  checkYamlBounds(file, text);
  const place = (offset: number) => lineAndColumn(text, offset);
  try {
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
    // Composer keeps collecting errors after the first (and a broken file can have millions); its onError hook is
    // not public API, so this relies on yaml 2.x internals: test/common/hostile-inputs.test.ts fails if that changes
    (composer as unknown as { onError: ComposeErrorHandler }).onError = (source, _code, message, warning) => {
      if (warning) return;
      const offset = typeof source === 'number' ? source : Array.isArray(source) ? source[0] : source.offset;
      throw new FirstYamlError(message, offset);
    };
    const docs: Document.Parsed[] = [];
    for (const doc of composer.compose(new Parser().parse(text), true)) {
      docs.push(doc);
      if (docs.length > 1) throw new FirstYamlError('a file holds one YAML document, this one has more', doc.range[0]);
    }
    const doc = docs[0]!;
    refuseDuplicateKeys(doc);
    const value: unknown = doc.toJS({ maxAliasCount: INPUT_LIMITS.maxYamlAliases });
    checkValueBounds(file, value);
    return value;
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof FirstYamlError)
      throw new InputError(file, `invalid YAML: ${oneLine(error.message)}`, place(error.offset));
    // the alias cap and other refusals of toJS() carry no position
    throw new InputError(file, `invalid YAML: ${oneLine((error as Error).message)}`);
  }
}

function refuseDuplicateKeys(doc: Document.Parsed): void {
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key))
          throw new FirstYamlError(
            `the key ${quoteValue(key)} appears twice in one mapping`,
            pair.key && isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0,
          );
        seen.add(key);
      }
    },
  });
}

/** Lines, flow punctuation ([ ] { } ,) and indentation, counted in one pass before the parser runs. */
function checkYamlBounds(file: string, text: string): void {
  let lines = 1;
  let flow = 0;
  let flowDepth = 0;
  let indent = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      if (++lines > INPUT_LIMITS.maxYamlLines)
        throw new InputError(
          file,
          `more than ${INPUT_LIMITS.maxYamlLines.toLocaleString('en')} lines of YAML: refused (write a large input as JSON)`,
        );
      atLineStart = true;
      indent = 0;
      continue;
    }
    if (atLineStart) {
      if (c === 0x20) {
        if (++indent > INPUT_LIMITS.maxYamlIndent)
          throw new InputError(
            file,
            `indented more than ${INPUT_LIMITS.maxYamlIndent} columns: nested too deep, refused`,
            { line: lines },
          );
        continue;
      }
      atLineStart = false;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++flowDepth > INPUT_LIMITS.maxDepth)
        throw new InputError(file, `flow collections nested more than ${INPUT_LIMITS.maxDepth} levels deep: refused`, {
          line: lines,
        });
    } else if (c === 0x5d || c === 0x7d) flowDepth = Math.max(0, flowDepth - 1);
    else if (c !== 0x2c) continue;
    if (++flow > INPUT_LIMITS.maxYamlFlowIndicators)
      throw new InputError(
        file,
        `more than ${INPUT_LIMITS.maxYamlFlowIndicators.toLocaleString('en')} flow indicators ([ ] { } ,): refused (write a large input as JSON)`,
        { line: lines },
      );
  }
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
