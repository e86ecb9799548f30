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
  const ajv = new AjvClass({ allErrors: false, strict: false, validateFormats: true, verbose: true });
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

/**
 * The deepest error; among errors at the same place, one whose schema says what it expects, so a failed `oneOf`
 * reports the shape it wanted rather than the first branch's complaint.
 */
function pickMostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  const deepest = Math.max(-1, ...errors.map((e) => e.instancePath.length));
  const candidates = errors.filter((e) => e.instancePath.length === deepest);
  return candidates.find((e) => documented(e).expected !== undefined) ?? candidates[0];
}

/**
 * Our schemas say what a value must be in an `expected` annotation ("a list of CIDRs") with `examples`; other
 * schemas (CSAF, NVD…) have only their `description`, which is added as a hint after the validator's message.
 */
interface DocumentedSchema {
  expected?: unknown;
  description?: unknown;
  examples?: unknown;
}

function documented(error: ErrorObject): { expected?: string; hint?: string } {
  const schema = (error.parentSchema ?? {}) as DocumentedSchema;
  const example =
    Array.isArray(schema.examples) && schema.examples.length ? `, e.g. ${flowStyle(schema.examples[0])}` : '';
  if (typeof schema.expected === 'string') return { expected: `${schema.expected}${example}` };
  if (typeof schema.description === 'string') return { hint: `${schema.description.replace(/\.$/, '')}${example}` };
  return {};
}

/** An example as a person types it in YAML or JSON: [10.0.0.0/8], { cidrs: [10.0.0.0/8] }. */
function flowStyle(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowStyle).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${flowStyle(v)}`)
      .join(', ')} }`;
  return String(value);
}

/** `/zones/internal` → `zones.internal`; the root is "the document". */
function dotted(instancePath: string): string {
  if (!instancePath) return 'the document';
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'schema validation failed';
  const { expected, hint } = documented(error);
  if (expected && error.keyword !== 'required' && error.keyword !== 'additionalProperties')
    return `${dotted(error.instancePath)} must be ${expected}`;
  const note = expected ? ` (expected ${expected})` : hint ? ` (${dotted(error.instancePath)}: ${hint})` : '';
  return describeKeyword(error) + note;
}

function describeKeyword(error: ErrorObject): string {
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
