/**
 * Sets of IPv4 and IPv6 addresses as sorted, merged, inclusive bigint intervals, so overlapping CIDRs, negated
 * matches and "what is left after earlier rules" are exact set algebra rather than string comparisons.
 */
import ipaddr from 'ipaddr.js';
import { PatchcallError } from '../common/errors';
import type { AddressFamily } from './model';

/** Flat [lo0, hi0, lo1, hi1, …], sorted, non-overlapping, non-adjacent, inclusive. */
type Intervals = readonly bigint[];

const BITS: Record<AddressFamily, number> = { ipv4: 32, ipv6: 128 };
const MAX: Record<AddressFamily, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };
const NONE: Intervals = Object.freeze([]);

export class AddressSet {
  private constructor(
    readonly ipv4: Intervals,
    readonly ipv6: Intervals,
  ) {}

  static readonly EMPTY = new AddressSet(NONE, NONE);
  static readonly ALL = new AddressSet([0n, MAX.ipv4], [0n, MAX.ipv6]);

  static allOf(family: AddressFamily): AddressSet {
    return family === 'ipv4' ? new AddressSet([0n, MAX.ipv4], NONE) : new AddressSet(NONE, [0n, MAX.ipv6]);
  }

  /** Throws a plain Error naming the bad entry; callers turn it into an InputError with their place. */
  static fromCidrs(cidrs: readonly string[]): AddressSet {
    const v4: bigint[] = [];
    const v6: bigint[] = [];
    for (const cidr of cidrs) {
      const { family, lo, hi } = parseCidr(cidr);
      (family === 'ipv4' ? v4 : v6).push(lo, hi);
    }
    return new AddressSet(normalize(v4), normalize(v6));
  }

  /** From inclusive [lo, hi, …] intervals of one family, in any order. */
  static ofIntervals(family: AddressFamily, flat: bigint[]): AddressSet {
    return family === 'ipv4' ? new AddressSet(normalize(flat), NONE) : new AddressSet(NONE, normalize(flat));
  }

  static single(address: string): AddressSet {
    return AddressSet.fromCidrs([address]);
  }

  get(family: AddressFamily): Intervals {
    return family === 'ipv4' ? this.ipv4 : this.ipv6;
  }

  /** Only the given family's part. */
  only(family: AddressFamily): AddressSet {
    return family === 'ipv4' ? new AddressSet(this.ipv4, NONE) : new AddressSet(NONE, this.ipv6);
  }

  families(): AddressFamily[] {
    return [...(this.ipv4.length ? (['ipv4'] as const) : []), ...(this.ipv6.length ? (['ipv6'] as const) : [])];
  }

  isEmpty(): boolean {
    return this.ipv4.length === 0 && this.ipv6.length === 0;
  }

  equals(other: AddressSet): boolean {
    return sameIntervals(this.ipv4, other.ipv4) && sameIntervals(this.ipv6, other.ipv6);
  }

  union(other: AddressSet): AddressSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return new AddressSet(unionIntervals(this.ipv4, other.ipv4), unionIntervals(this.ipv6, other.ipv6));
  }

  intersect(other: AddressSet): AddressSet {
    if (this.isEmpty() || other.isEmpty()) return AddressSet.EMPTY;
    return new AddressSet(intersectIntervals(this.ipv4, other.ipv4), intersectIntervals(this.ipv6, other.ipv6));
  }

  subtract(other: AddressSet): AddressSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return new AddressSet(
      intersectIntervals(this.ipv4, complementIntervals(other.ipv4, MAX.ipv4)),
      intersectIntervals(this.ipv6, complementIntervals(other.ipv6, MAX.ipv6)),
    );
  }

  /** Every address of both families not in this set. */
  complement(): AddressSet {
    return new AddressSet(complementIntervals(this.ipv4, MAX.ipv4), complementIntervals(this.ipv6, MAX.ipv6));
  }

  /** Every address of `family` not in this set; the other family is empty. */
  complementIn(family: AddressFamily): AddressSet {
    return AddressSet.allOf(family).subtract(this);
  }

  containsValue(family: AddressFamily, value: bigint): boolean {
    return intervalsContain(this.get(family), value);
  }

  contains(address: string): boolean {
    const { family, lo } = parseCidr(address);
    return this.containsValue(family, lo);
  }

  /** The fewest CIDRs covering exactly this set, IPv4 first, each in canonical form. */
  toCidrs(): string[] {
    const out: string[] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      const intervals = this.get(family);
      for (let i = 0; i < intervals.length; i += 2) coverInterval(family, intervals[i]!, intervals[i + 1]!, out);
    }
    return out;
  }

  /** How many intervals (not addresses): a size for cost estimates and tests. */
  intervalCount(): number {
    return (this.ipv4.length + this.ipv6.length) / 2;
  }
}

/**
 * The set an address match stands for. A negated list means "every address NOT in it" within the families the
 * list speaks of: `! -s 10.0.0.0/8` is an IPv4 match and says nothing about IPv6 traffic. A negated empty list
 * matches everything.
 */
export function matchedAddresses(match: { cidrs: readonly string[]; negate: boolean }): AddressSet {
  const listed = AddressSet.fromCidrs(match.cidrs);
  if (!match.negate) return listed;
  if (match.cidrs.length === 0) return AddressSet.ALL;
  return listed.families().reduce((set, family) => set.union(listed.complementIn(family)), AddressSet.EMPTY);
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(3[0-2]|[12]?\\d))?$`);

export interface ParsedCidr {
  family: AddressFamily;
  lo: bigint;
  hi: bigint;
}

/** An address ("10.0.0.1") or a CIDR ("10.0.0.0/8"); host bits set are allowed and ignored, as iptables does. */
/** Text that is no address, CIDR or range; the importer that read it names the file and the place. */
export class AddressError extends PatchcallError {
  constructor(problem: string) {
    super('BAD_INPUT', problem);
    this.name = 'AddressError';
  }
}

export function parseCidr(text: string): ParsedCidr {
  const trimmed = text.trim();
  const quad = DOTTED_QUAD.exec(trimmed);
  if (quad) {
    // the common case, without ipaddr's object allocations: hot when an estate has 100k assets
    const value = BigInt(((Number(quad[1]) * 256 + Number(quad[2])) * 256 + Number(quad[3])) * 256 + Number(quad[4]));
    const hostBits = BigInt(32 - (quad[5] === undefined ? 32 : Number(quad[5])));
    const lo = (value >> hostBits) << hostBits;
    return { family: 'ipv4', lo, hi: lo + (1n << hostBits) - 1n };
  }
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (trimmed.includes('/')) [address, prefix] = ipaddr.parseCIDR(trimmed);
    else {
      address = ipaddr.parse(trimmed);
      prefix = address.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    throw new AddressError(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    throw new AddressError(`"${text}" is an IPv4-mapped IPv6 address; write the IPv4 form`);
  }
  const family: AddressFamily = address.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  const value = bytesToBigint(address.toByteArray());
  const hostBits = BigInt(BITS[family] - prefix);
  const lo = (value >> hostBits) << hostBits;
  return { family, lo, hi: lo + (1n << hostBits) - 1n };
}

export function formatAddress(family: AddressFamily, value: bigint): string {
  if (family === 'ipv4') {
    const n = Number(value);
    return `${Math.floor(n / 16777216)}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
  }
  const bytes = new Array<number>(16);
  let v = value;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function normalize(flat: bigint[]): Intervals {
  if (flat.length <= 2 || isNormal(flat)) return flat;
  const pairs: [bigint, bigint][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: bigint[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (out.length && lo <= out[last]! + 1n) {
      if (hi > out[last]!) out[last] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

function isNormal(flat: bigint[]): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i]! > flat[i + 1]! || (i > 0 && flat[i]! <= flat[i - 1]! + 1n)) return false;
  }
  return true;
}

/** Merges two normalized lists in one pass (no sorting, no pair objects: unions are frequent in path grouping). */
function unionIntervals(a: Intervals, b: Intervals): Intervals {
  if (!a.length) return b;
  if (!b.length) return a;
  const out: bigint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && a[i]! <= b[j]!);
    const lo = takeA ? a[i]! : b[j]!;
    const hi = takeA ? a[i + 1]! : b[j + 1]!;
    if (takeA) i += 2;
    else j += 2;
    const last = out.length - 1;
    if (out.length && lo <= out[last]! + 1n) {
      if (hi > out[last]!) out[last] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

function intersectIntervals(a: Intervals, b: Intervals): Intervals {
  const out: bigint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
    const hi = a[i + 1]! < b[j + 1]! ? a[i + 1]! : b[j + 1]!;
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function complementIntervals(a: Intervals, max: bigint): Intervals {
  const out: bigint[] = [];
  let next = 0n;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, a[i]! - 1n);
    next = a[i + 1]! + 1n;
  }
  if (next <= max) out.push(next, max);
  return out;
}

function intervalsContain(a: Intervals, value: bigint): boolean {
  let lo = 0;
  let hi = a.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (value < a[2 * mid]!) hi = mid - 1;
    else if (value > a[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function sameIntervals(a: Intervals, b: Intervals): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function coverInterval(family: AddressFamily, from: bigint, to: bigint, out: string[]): void {
  if (family === 'ipv4') return coverIpv4(Number(from), Number(to), out);
  const bits = BITS[family];
  let lo = from;
  while (lo <= to) {
    let size = 0;
    // grow the block while it stays aligned at `lo` and inside [lo, to]
    while (size < bits && (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= to)
      size++;
    out.push(`${formatAddress(family, lo)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
}

/** The same cover as coverInterval, in doubles: IPv4 values fit exactly, and this path is hot in big estates. */
function coverIpv4(from: number, to: number, out: string[]): void {
  let lo = from;
  while (lo <= to) {
    let size = 1;
    while (size < 4294967296 && lo % (size * 2) === 0 && lo + size * 2 - 1 <= to) size *= 2;
    out.push(`${formatAddress('ipv4', BigInt(lo))}/${32 - Math.log2(size)}`);
    lo += size;
  }
}
