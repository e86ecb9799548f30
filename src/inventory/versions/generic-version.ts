/**
 * Generic dotted versions ("2.4.49", "9.0.62", "1.1.1k", "v14"): numeric segments compare as numbers, missing
 * trailing segments are 0 (1.0 = 1.0.0), and a single trailing letter on a segment is a later letter release of
 * it (OpenSSL's 1.1.1 < 1.1.1a < 1.1.1k). Anything else (rc1, beta, build words) is not comparable here: its
 * meaning depends on the publisher, so the answer is undefined rather than a guess.
 */

const GENERIC = /^v?(\d+[a-z]?)(\.\d+[a-z]?)*$/i;

export function parseGenericVersion(text: string): { number: string; letter: string }[] | undefined {
  const trimmed = text.trim();
  if (!GENERIC.test(trimmed)) return undefined;
  return trimmed
    .replace(/^v/i, '')
    .split('.')
    .map((segment) => {
      const match = /^(\d+)([a-z]?)$/i.exec(segment)!;
      return { number: match[1]!.replace(/^0+(?=\d)/, ''), letter: match[2]!.toLowerCase() };
    });
}

export function compareGeneric(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseGenericVersion(a);
  const y = parseGenericVersion(b);
  if (!x || !y) return undefined;
  const zero = { number: '0', letter: '' };
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const l = x[i] ?? zero;
    const r = y[i] ?? zero;
    if (l.number.length !== r.number.length) return l.number.length < r.number.length ? -1 : 1;
    if (l.number !== r.number) return l.number < r.number ? -1 : 1;
    if (l.letter !== r.letter) return l.letter < r.letter ? -1 : 1;
  }
  return 0;
}
