import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { AddressSet, matchedAddresses, parseCidr } from '../../src/exposure/address-set';

const v4Cidr = fc
  .tuple(
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
const v6Cidr = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 128 }),
  )
  .map(([parts, p]) => `${parts.map((x) => x.toString(16)).join(':')}/${p}`);
const cidrs = fc.array(fc.oneof(v4Cidr, v4Cidr, v6Cidr), { maxLength: 6 });
const sets = cidrs.map((list) => AddressSet.fromCidrs(list));

describe('AddressSet', () => {
  test('merges overlapping and adjacent CIDRs and prints the minimal cover', () => {
    const set = AddressSet.fromCidrs([
      '10.0.0.0/25',
      '10.0.0.128/25',
      '10.0.0.64/26',
      '2001:db8::/33',
      '2001:db8:8000::/33',
    ]);
    expect(set.toCidrs()).toEqual(['10.0.0.0/24', '2001:db8::/32']);
    expect(set.intervalCount()).toBe(2);
  });

  test('subtracting a host from a /24 leaves eight CIDRs', () => {
    const rest = AddressSet.fromCidrs(['10.10.0.0/24']).subtract(AddressSet.single('10.10.0.11'));
    expect(rest.toCidrs()).toEqual([
      '10.10.0.0/29',
      '10.10.0.8/31',
      '10.10.0.10/32',
      '10.10.0.12/30',
      '10.10.0.16/28',
      '10.10.0.32/27',
      '10.10.0.64/26',
      '10.10.0.128/25',
    ]);
    expect(rest.contains('10.10.0.11')).toBe(false);
    expect(rest.contains('10.10.0.12')).toBe(true);
  });

  test('a negated match covers only the families its list names', () => {
    const notTen = matchedAddresses({ cidrs: ['10.0.0.0/8'], negate: true });
    expect(notTen.contains('192.0.2.1')).toBe(true);
    expect(notTen.contains('10.1.2.3')).toBe(false);
    expect(notTen.get('ipv6')).toHaveLength(0);
    expect(matchedAddresses({ cidrs: [], negate: true }).equals(AddressSet.ALL)).toBe(true);
  });

  test('host bits in a CIDR are ignored, as iptables does; bad text is refused', () => {
    expect(parseCidr('10.0.0.1/8')).toEqual({ family: 'ipv4', lo: 0x0a000000n, hi: 0x0affffffn });
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/not an IPv4 or IPv6/);
    expect(() => parseCidr('::ffff:10.0.0.1')).toThrow(/IPv4-mapped/);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  test('toCidrs round-trips', () => {
    fc.assert(fc.property(sets, (s) => AddressSet.fromCidrs(s.toCidrs()).equals(s)));
  });

  test('toCidrs is minimal: no two printed blocks could merge into one', () => {
    fc.assert(
      fc.property(sets, (s) => {
        const blocks = s.toCidrs().map(parseCidr);
        return blocks.every((b, i) => {
          const next = blocks[i + 1];
          if (!next || next.family !== b.family || next.lo !== b.hi + 1n) return true;
          const size = b.hi - b.lo + 1n;
          return !(next.hi - next.lo + 1n === size && b.lo % (size * 2n) === 0n);
        });
      }),
    );
  });

  test('union, intersection and subtraction laws', () => {
    fc.assert(
      fc.property(sets, sets, sets, (a, b, c) => {
        expect(a.subtract(b).union(a.intersect(b)).equals(a)).toBe(true);
        expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))).toBe(true);
        expect(a.subtract(b.union(c)).equals(a.subtract(b).subtract(c))).toBe(true);
        expect(a.complement().complement().equals(a)).toBe(true);
        expect(a.union(a.complement()).equals(AddressSet.ALL)).toBe(true);
      }),
    );
  });

  test('membership agrees with the CIDRs it was built from', () => {
    fc.assert(
      fc.property(cidrs, fc.oneof(v4Cidr, v6Cidr), (list, probe) => {
        const address = probe.split('/')[0]!;
        const { family, lo } = parseCidr(address);
        const expected = list.map(parseCidr).some((c) => c.family === family && c.lo <= lo && lo <= c.hi);
        return AddressSet.fromCidrs(list).contains(address) === expected;
      }),
    );
  });

  test('the IPv4 fast path reads what ipaddr.js reads', () => {
    fc.assert(
      fc.property(v4Cidr, (cidr) => {
        const [address, prefix] = ipaddr.parseCIDR(cidr);
        const value = address.toByteArray().reduce((v, b) => (v << 8n) | BigInt(b), 0n);
        const size = 1n << BigInt(32 - prefix);
        return (
          parseCidr(cidr).lo === value - (value % size) && parseCidr(cidr).hi === value - (value % size) + size - 1n
        );
      }),
    );
  });
});
