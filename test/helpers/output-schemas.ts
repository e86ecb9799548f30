/** Checks a command's --json output against its JSON Schema in docs/schemas/ (the shapes the README documents). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createValidator } from '../../src/common/json-schema';

const SCHEMAS = join(__dirname, '..', '..', 'docs', 'schemas');

function schema(name: string): ValidateFunction {
  const read = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object;
  return createValidator(read(name), {
    extraSchemas: name === 'decisions.schema.json' ? [read('decision.schema.json')] : [],
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed output, already checked against its schema
export function expectShape(output: string, schemaFile: string): any {
  const value = JSON.parse(output);
  const validate = schema(schemaFile);
  if (!validate(value)) throw new Error(`${schemaFile}: ${JSON.stringify(validate.errors, null, 2)}`);
  return value;
}
