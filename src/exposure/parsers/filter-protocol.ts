/** One spelling per protocol across formats ("6", "TCP", "tcp" → "tcp"), so the engine compares strings. */

const BY_NUMBER: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'ipv6-icmp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '132': 'sctp',
};
const ALIASES: Record<string, string> = { icmpv6: 'ipv6-icmp', icmp6: 'ipv6-icmp' };
const ANY = new Set(['all', '*', '-1', 'any']);

/** The protocol's lower-case name, or undefined when the value means "every protocol". */
export function normalizeProtocol(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  if (ANY.has(lower)) return undefined;
  return BY_NUMBER[lower] ?? ALIASES[lower] ?? lower;
}
