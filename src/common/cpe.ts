/**
 * CPE 2.2 URIs (cpe:/o:redhat:enterprise_linux:7) bound to CPE 2.3 formatted strings, after NISTIR 7695
 * (unbind the URI to a well-formed name, §6.1.3, then bind that to a formatted string, §6.2.2).
 */

const URI = /^cpe:\/([aoh])((?::[^:]*){0,6})$/i;

/** Where a packed edition (~edition~sw_edition~target_sw~target_hw~other) goes. */
const PACKED_SLOTS = [5, 7, 8, 9, 10];

/**
 * The one CPE 2.3 formatted string for a CPE 2.2 URI or a CPE 2.3 string: lower-cased, padded to its eleven
 * attributes with "*" (so two spellings of one name compare equal); undefined when the text is neither, so a caller
 * can keep the raw text instead of guessing.
 */
export function toCpe23(text: string): string | undefined {
  const value = text.trim();
  if (/^cpe:2\.3:/i.test(value)) {
    // a colon escaped with a backslash belongs to the value
    const parts = value
      .slice(8)
      .split(/(?<!\\):/)
      .map((p) => (p === '' ? '*' : p.toLowerCase()));
    if (parts.length < 3 || parts.length > 11 || !/^[aoh*]$/.test(parts[0]!)) return undefined;
    return `cpe:2.3:${[...parts, ...Array<string>(11 - parts.length).fill('*')].join(':')}`;
  }
  const match = URI.exec(value);
  if (!match) return undefined;
  const components = [match[1]!, ...(match[2] ? match[2].slice(1).split(':') : [])];
  const attributes = Array<string>(11).fill('*');
  for (let i = 0; i < components.length; i++) {
    const component = components[i]!;
    const packed = i === 5 && component.startsWith('~') ? component.slice(1).split('~') : undefined;
    if (packed && packed.length !== PACKED_SLOTS.length) return undefined;
    const parts = packed ?? [component];
    // the URI's seven components are the first seven attributes, in order
    const slots = packed ? PACKED_SLOTS : [i];
    for (let j = 0; j < parts.length; j++) {
      const bound = bindComponent(parts[j]!);
      if (bound === undefined) return undefined;
      attributes[slots[j]!] = bound;
    }
  }
  return `cpe:2.3:${attributes.join(':')}`;
}

/** One URI component → its formatted-string value: empty is ANY, "-" is NA, percent-escapes decoded, specials quoted. */
function bindComponent(component: string): string | undefined {
  if (component === '') return '*';
  if (component === '-') return '-';
  let out = '';
  for (let i = 0; i < component.length; i++) {
    let char = component[i]!;
    if (char === '%') {
      const hex = component.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) return undefined;
      i += 2;
      const code = parseInt(hex, 16);
      // %01 and %02 are the URI's unquoted wildcards
      if (code === 1) {
        out += '?';
        continue;
      }
      if (code === 2) {
        out += '*';
        continue;
      }
      if (code < 0x21 || code > 0x7e) return undefined;
      char = String.fromCharCode(code);
    }
    out += /[a-z0-9_.-]/i.test(char) ? char.toLowerCase() : `\\${char}`;
  }
  return out;
}
