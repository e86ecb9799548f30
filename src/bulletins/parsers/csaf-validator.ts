/** The CSAF 2.0 JSON schema (draft 2020-12) with the three FIRST CVSS schemas it refers to, compiled once on first use. */
import type { ValidateFunction } from 'ajv';
import { createValidator } from '../../common/json-schema';
import csafSchema from '../schemas/csaf/csaf_json_schema.json';
import cvss20 from '../schemas/csaf/cvss-v2.0.json';
import cvss30 from '../schemas/csaf/cvss-v3.0.json';
import cvss31 from '../schemas/csaf/cvss-v3.1.json';

let compiled: ValidateFunction | undefined;

/** Compiling takes a few hundred milliseconds, so it waits for the first CSAF document rather than every CLI start. */
export function csafValidator(): ValidateFunction {
  compiled ??= createValidator(csafSchema, {
    draft: '2020-12',
    keywords: ['license'],
    extraSchemas: [
      asReferenced(cvss20, 'https://www.first.org/cvss/cvss-v2.0.json'),
      asReferenced(cvss30, 'https://www.first.org/cvss/cvss-v3.0.json'),
      asReferenced(cvss31, 'https://www.first.org/cvss/cvss-v3.1.json'),
    ],
  });
  return compiled;
}

/**
 * The FIRST files name themselves with a "?20170531"-style suffix the CSAF schema's $ref does not carry, and
 * declare draft-04 or draft-07, whose meta-schemas a 2020-12 Ajv does not hold. Their bodies use only keywords
 * that mean the same under 2020-12, so they are registered under the referenced URI without those markers.
 */
function asReferenced(schema: object, uri: string): object {
  const { $schema: _schema, id: _id, $id: _ownId, ...body } = schema as Record<string, unknown>;
  return { ...body, $id: uri };
}
