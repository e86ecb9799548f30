import fc from 'fast-check';
import { configure } from 'safe-stable-stringify';
import { canonicalJson } from '../../src/common/canonical-json';

// the library the hash chain was first built on: every event written before must keep its bytes
const reference = configure({ deterministic: true, circularValue: Error, bigint: false });

describe('canonicalJson', () => {
  it('gives the same bytes as safe-stable-stringify for any JSON value, including undefined members and odd keys', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('1', '10', '9', '__proto__x', 'é', '\u{1F600}', '\ud800'));
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 6 }),
      object: fc.dictionary(key, tie('node'), { maxKeys: 6 }),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const expected = reference(v);
        if (expected === undefined) expect(() => canonicalJson(v)).toThrow(TypeError);
        else expect(canonicalJson(v)).toBe(expected);
      }),
      { numRuns: 2000, seed: 20081023 },
    );
  });

  it('refuses a circular value', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });

  it('writes a value met twice (not circular) twice', () => {
    const shared = { id: 'KB958644' };
    expect(canonicalJson({ b: shared, a: [shared] })).toBe('{"a":[{"id":"KB958644"}],"b":{"id":"KB958644"}}');
  });
});
