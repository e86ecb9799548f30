/** The `epoch:` prefix that RPM and Debian versions share: absent means 0; anything but digits before the colon is not a version. */
export function splitEpoch(text: string): { epoch: number; rest: string } | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return { epoch: 0, rest: text };
  const epochText = text.slice(0, colon);
  if (!/^\d+$/.test(epochText)) return undefined;
  return { epoch: Number(epochText), rest: text.slice(colon + 1) };
}
