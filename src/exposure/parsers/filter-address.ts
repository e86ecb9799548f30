/** Address checks shared by the firewall importers: one family per address, ranges turned into CIDRs. */
import { AddressError, formatAddress, parseCidr } from '../address-set';
import type { AddressFamily } from '../model';

/** The family of an address or CIDR; throws an AddressError saying what is wrong (callers add the place). */
export function addressFamily(text: string): AddressFamily {
  return parseCidr(text).family;
}

/** The fewest CIDRs covering `from`–`to` inclusive (iptables `-m iprange`, nft address ranges). */
export function rangeToCidrs(from: string, to: string): string[] {
  const lo = parseCidr(from);
  const hi = parseCidr(to);
  if (lo.family !== hi.family) throw new AddressError(`range ${from}-${to} mixes IPv4 and IPv6`);
  if (lo.lo > hi.hi) throw new AddressError(`range ${from}-${to} ends before it starts`);
  const bits = lo.family === 'ipv4' ? 32 : 128;
  const out: string[] = [];
  let start = lo.lo;
  while (start <= hi.hi) {
    let size = 0;
    // widen the block while it stays aligned at `start` and inside the range
    while (
      size < bits &&
      (start & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      start + (1n << BigInt(size + 1)) - 1n <= hi.hi
    )
      size++;
    out.push(`${formatAddress(lo.family, start)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}
