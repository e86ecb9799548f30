/** YAML reading that reports line and column, and refuses alias bombs (the yaml library caps alias expansion). */
import { parse, YAMLError } from 'yaml';
import { InputError } from './errors';

export function parseYamlText(file: string, text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 50, uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLError) {
      const start = error.linePos?.[0];
      throw new InputError(
        file,
        `invalid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        start ? { line: start.line, column: start.col } : {},
      );
    }
    throw new InputError(file, `invalid YAML: ${(error as Error).message}`);
  }
}
