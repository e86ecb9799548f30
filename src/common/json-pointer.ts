/** JSON Pointer (RFC 6901) helpers: how errors say where in a JSON document the problem is. */

export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function childPointer(base: string, ...segments: (string | number)[]): string {
  return base + pointer(...segments);
}
