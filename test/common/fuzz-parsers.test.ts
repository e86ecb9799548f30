/**
 * Fuzzing every import format with fast-check (fixed seed, capped time, so it runs the same in CI): real seed
 * files mutated at random must parse or be refused with a one-line InputError, never crash, hang or echo
 * megabytes. The JSON scan must agree with JSON.parse on every document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { chooseFormat } from '../../src/app/formats';
import { sniffDocument } from '../../src/app/read-document';
import { InputError } from '../../src/common/errors';
import { parseJsonText } from '../../src/common/parse-json';
import { parseYamlText } from '../../src/common/parse-yaml';
import { shippedFormats } from '../helpers/shipped-rules';

const SEED = join(__dirname, '..', '..', 'db', 'seed');
const FUZZ = { seed: 15, numRuns: 100, interruptAfterTimeLimit: 2000 } as const;

/** Cuts, duplicates or inserts structural characters: the edits that break parsers, not just values. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(length), size: fc.nat(40) }),
    fc.record({
      kind: fc.constant('repeat' as const),
      at: fc.nat(length),
      size: fc.nat(40),
      times: fc.integer({ min: 2, max: 200 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(length),
      text: fc.string({ unit: fc.constantFrom(...'{}[],:"\'<>/\\\n -&*!|#%@`\t=0x'.split('')), maxLength: 12 }),
    }),
  );

type Mutation =
  | { kind: 'delete'; at: number; size: number }
  | { kind: 'repeat'; at: number; size: number; times: number }
  | { kind: 'insert'; at: number; text: string };

function mutate(text: string, edits: Mutation[]): string {
  let out = text;
  for (const edit of edits) {
    const at = Math.min(edit.at, out.length);
    if (edit.kind === 'delete') out = out.slice(0, at) + out.slice(at + edit.size);
    else if (edit.kind === 'repeat')
      out = out.slice(0, at) + out.slice(at, at + edit.size).repeat(edit.times) + out.slice(at);
    else out = out.slice(0, at) + edit.text + out.slice(at);
  }
  return out;
}

function importOrRefuse(name: string, text: string): void {
  try {
    const doc = sniffDocument(name, Buffer.from(text));
    chooseFormat(doc, undefined, shippedFormats()).parse(doc);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(700);
  }
}

describe.each([
  ['bulletin YAML', 'ms08-067.bulletin.yaml'],
  ['roster YAML', 'roster.yaml'],
  ['network YAML', 'network.yaml'],
  ['CMDB CSV', 'cmdb-servers.csv'],
  ['hotfix CSV', 'hotfixes.csv'],
  ['EPSS CSV', 'epss-2026-09-29-sample.csv'],
  ['nmap XML', 'nmap-scan.xml'],
  ['nft JSON', 'core.nft.json'],
  ['iptables-save', 'edge.iptables-save'],
  ['NVD JSON', 'nvd-CVE-2008-4250.json'],
  ['CVE 5 JSON', 'cve5-CVE-2008-4250.json'],
  ['AWS security groups JSON', 'aws-security-groups.json'],
])('fuzzing %s', (_label, file) => {
  const original = readFileSync(join(SEED, file), 'utf8');
  it('parses or refuses cleanly every mutation of the seed file', () => {
    fc.assert(
      fc.property(fc.array(mutation(original.length), { minLength: 1, maxLength: 4 }), (edits) => {
        importOrRefuse(file, mutate(original, edits));
      }),
      FUZZ,
    );
  });
});

describe('the JSON scan', () => {
  it('accepts every JSON document and gives what JSON.parse gives', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        expect(parseJsonText('doc.json', text)).toEqual(JSON.parse(text));
      }),
      FUZZ,
    );
  });

  it('refuses exactly what JSON.parse refuses, with a line and column', () => {
    fc.assert(
      fc.property(fc.json(), fc.array(mutation(40), { minLength: 1, maxLength: 3 }), (json, edits) => {
        const text = mutate(json, edits);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        try {
          parseJsonText('doc.json', text);
          expect(valid).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          // bounds refusals aside, the scan refuses only what JSON.parse refuses
          expect(valid).toBe(false);
          expect((error as InputError).place.line).toBeGreaterThanOrEqual(1);
        }
      }),
      FUZZ,
    );
  });
});

describe('YAML errors', () => {
  // parse-yaml.ts stops the yaml library at its first error through a non-public hook; this fails if that changes
  it('report the first error with its line and column, at once', () => {
    const text = 'kind: patchcall/roster\nroles:\n  security: [a, b\n' + ',\n'.repeat(100_000);
    expect(() => parseYamlText('big.yaml', text)).toThrow(/big\.yaml \(line \d+, column \d+\): invalid YAML: /);
  });

  it('refuse a key given twice, naming its place', () => {
    expect(() => parseYamlText('dup.yaml', 'a: 1\nb: 2\na: 3\n')).toThrow(
      'dup.yaml (line 3, column 1): invalid YAML: the key "a" appears twice in one mapping',
    );
  });
});
