/** JSON Schema validation (ajv) whose failures read as InputErrors: file, JSON pointer, what is wrong. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InputError } from './errors';
import { pointer } from './json-pointer';

export type Draft = '07' | '2020-12';

export function createValidator(
  schema: object,
  options: { draft?: Draft; extraSchemas?: object[]; keywords?: string[] } = {},
): ValidateFunction {
  const AjvClass = options.draft === '2020-12' ? Ajv2020 : Ajv;
  const ajv = new AjvClass({ allErrors: false, strict: false, validateFormats: true });
  addFormats(ajv);
  for (const keyword of options.keywords ?? []) ajv.addKeyword(keyword);
  for (const extra of options.extraSchemas ?? []) ajv.addSchema(extra);
  return ajv.compile(schema);
}

/** Throws an InputError at the first schema violation; returns the value typed as T otherwise. */
export function assertValid<T>(validate: ValidateFunction, value: unknown, file: string, what: string): T {
  if (validate(value)) return value as T;
  const error = pickMostSpecific(validate.errors ?? []);
  // a bad key (propertyNames) is reported at the key itself, not at the object holding it
  const at = (error?.instancePath ?? '') + (error?.propertyName !== undefined ? pointer(error.propertyName) : '');
  throw new InputError(file, `not a valid ${what}: ${describe(error)}`, { pointer: at });
}

function pickMostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'schema validation failed';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `unexpected property "${String(params.additionalProperty)}"`;
    case 'enum':
      if (error.propertyName !== undefined)
        return `unknown key "${error.propertyName}" (${(params.allowedValues as unknown[]).join(', ')})`;
      return `${error.message} (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
    default:
      return error.message ?? error.keyword;
  }
}
