/**
 * Debian versions, `[epoch:]upstream_version[-debian_revision]`, ordered as dpkg does (lib/dpkg/version.c
 * verrevcmp): non-digit runs compare character by character with letters before other characters and `~` before
 * everything, even the end; digit runs compare as numbers. A missing revision is "" (equal to "0").
 */

const DEB_VERSION = /^[A-Za-z0-9.+~:-]*$/;

function order(c: string): number {
  if (!c) return 0;
  if (c >= '0' && c <= '9') return 0;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9' && c !== '';

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): string => (k < s.length ? s[k]! : '');
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = order(at(a, i));
      const bc = order(at(b, j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (at(a, i) === '0') i++;
    while (at(b, j) === '0') j++;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** undefined when the text is not a Debian version (bad epoch, characters dpkg refuses, empty). */
export function parseDebVersion(text: string): DebVersion | undefined {
  const trimmed = text.trim();
  if (!trimmed || !DEB_VERSION.test(trimmed)) return undefined;
  const colon = trimmed.indexOf(':');
  let epoch = 0;
  let rest = trimmed;
  if (colon >= 0) {
    const epochText = trimmed.slice(0, colon);
    if (!/^\d+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = trimmed.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  return dash >= 0
    ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
    : { epoch, upstream: rest, revision: '' };
}

export function compareDeb(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseDebVersion(a);
  const y = parseDebVersion(b);
  if (!x || !y) return undefined;
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const result = verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
  return result === 0 ? 0 : result < 0 ? -1 : 1;
}
