/**
 * CPE names: CPE 2.2 URIs (as nmap writes them) bound to CPE 2.3 formatted strings, and CPE 2.3 name matching
 * (NISTIR 7696, simplified) with the three outcomes a patch decision needs: match, possible match, no match.
 */

import { toCpe23 } from '../common/cpe';

export { toCpe23 };

/** The eleven attributes after "cpe:2.3:", in order. */
export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'sw_edition',
  'target_sw',
  'target_hw',
  'other',
] as const;

const ANY = '*';
const NA = '-';

/** The attribute values of a CPE 2.3 string or a CPE 2.2 URI; undefined when the text is neither. */
export function cpeParts(text: string): string[] | undefined {
  // one binding of CPE names for the whole code base (escapes, packed editions, padding): common/cpe.ts
  const bound = toCpe23(text);
  return bound ? splitFormatted(bound.slice(8)) : undefined;
}

export type CpeComparison =
  { outcome: 'match' } | { outcome: 'possible'; unknown: string[] } | { outcome: 'no-match'; differs: string };

/**
 * Compares an asset's CPE (a name; "*" there means the inventory did not say) with a bulletin's CPE (a pattern).
 * Attributes from edition onwards narrow only when both sides state a value: an inventory rarely records the
 * architecture, and a missing architecture must not turn an affected host into an unaffected one.
 */
export function compareCpe(pattern: string, asset: string): CpeComparison {
  const p = cpeParts(pattern);
  const a = cpeParts(asset);
  if (!p || !a) return { outcome: 'no-match', differs: 'not a CPE' };
  const unknown: string[] = [];
  for (let i = 0; i < CPE_ATTRIBUTES.length; i++) {
    const want = p[i]!;
    const have = a[i]!;
    if (want === ANY || want === have) continue;
    const narrowing = i >= 5;
    if (have === ANY) {
      if (!narrowing) unknown.push(CPE_ATTRIBUTES[i]!);
      continue;
    }
    if (narrowing && (want === NA || have === NA)) continue;
    return { outcome: 'no-match', differs: `${CPE_ATTRIBUTES[i]} ${have} ≠ ${want}` };
  }
  return unknown.length ? { outcome: 'possible', unknown } : { outcome: 'match' };
}

/** Replaces attributes of a CPE 2.3 string by name. */
export function withCpeAttributes(
  cpe: string,
  values: Partial<Record<(typeof CPE_ATTRIBUTES)[number], string>>,
): string {
  const parts = cpeParts(cpe);
  if (!parts) return cpe;
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined)
      parts[CPE_ATTRIBUTES.indexOf(name as (typeof CPE_ATTRIBUTES)[number])] = value.toLowerCase();
  }
  return `cpe:2.3:${parts.join(':')}`;
}

export function cpeAttribute(cpe: string, name: (typeof CPE_ATTRIBUTES)[number]): string | undefined {
  return cpeParts(cpe)?.[CPE_ATTRIBUTES.indexOf(name)];
}

function splitFormatted(text: string): string[] {
  // a colon escaped with a backslash belongs to the value
  return text.split(/(?<!\\):/);
}
