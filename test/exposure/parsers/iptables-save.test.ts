import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors';
import { iptablesSaveFormat, parseIptablesSave } from '../../../src/exposure/parsers/iptables-save';
import type { Filter, FilterRule } from '../../../src/exposure/model';

const FIXTURES = join(__dirname, '../../fixtures/firewall');

function load(relative: string): Filter {
  const name = join(FIXTURES, relative);
  return parseIptablesSave({ name, text: readFileSync(name, 'utf8') });
}

function parseText(text: string, name = 'edge.iptables-save'): Filter {
  return parseIptablesSave({ name, text });
}

function rules(filter: Filter, chain: string): FilterRule[] {
  const found = filter.chains.find((c) => c.name === chain);
  if (!found) throw new Error(`no chain ${chain}`);
  return found.rules;
}

const RULESET = (body: string): string =>
  `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:USER - [0:0]\n${body}\nCOMMIT\n`;

describe('iptables-save: the generated DMZ firewall (IPv4)', () => {
  const filter = load('generated/iptables-save_dmz_v4.txt');

  it('is one IPv4 filter named after the file, with the built-in policies and user chains', () => {
    expect(filter.name).toBe('iptables-save_dmz_v4');
    expect(filter.kind).toBe('iptables');
    expect(filter.families).toEqual(['ipv4']);
    expect(filter.entryChains).toEqual({ forward: 'FORWARD', input: 'INPUT' });
    expect(filter.chains.map((c) => [c.name, c.policy, c.rules.length])).toEqual([
      ['INPUT', 'drop', 5],
      ['FORWARD', 'drop', 8],
      ['OUTPUT', 'accept', 0],
      ['DMZ_IN', undefined, 9],
      ['MGMT', undefined, 3],
    ]);
    expect(filter.source).toMatchObject({
      format: 'iptables-save',
      document: join(FIXTURES, 'generated/iptables-save_dmz_v4.txt'),
    });
  });

  it('reads negated sources, port ranges, multiport lists and the DMZ_IN order', () => {
    const dmz = rules(filter, 'DMZ_IN');
    expect(dmz[1]).toMatchObject({
      number: 2,
      locator: 'line 22',
      text: '-A DMZ_IN -s 10.0.0.0/8 -p tcp -m multiport --dports 139,445 -j ACCEPT',
      match: {
        sources: { cidrs: ['10.0.0.0/8'], negate: false },
        protocols: { values: ['tcp'], negate: false },
        destinationPorts: {
          ranges: [
            { from: 139, to: 139 },
            { from: 445, to: 445 },
          ],
          negate: false,
        },
        unknown: [],
      },
      action: { kind: 'accept' },
    });
    expect(dmz[4]!.match).toEqual({
      sources: { cidrs: ['10.0.0.0/8'], negate: true },
      protocols: { values: ['tcp'], negate: false },
      destinationPorts: { ranges: [{ from: 135, to: 139 }], negate: false },
      unknown: [],
    });
    expect(dmz[4]!.action).toEqual({ kind: 'drop' });
    expect(dmz[6]!.match.destinationPorts).toEqual({ ranges: [{ from: 1024, to: 65535 }], negate: false });
    expect(dmz[8]).toMatchObject({ number: 9, match: { unknown: [] }, action: { kind: 'return' } });
  });

  it('reads jumps, interfaces, conntrack states, REJECT and the non-terminal LOG', () => {
    const forward = rules(filter, 'FORWARD');
    expect(forward[0]!.match.states).toEqual({ values: ['RELATED', 'ESTABLISHED'], negate: false });
    expect(forward[1]).toMatchObject({
      match: { inInterface: { name: 'eth0', negate: false }, outInterface: { name: 'eth1', negate: false } },
      action: { kind: 'jump', chain: 'DMZ_IN' },
    });
    expect(forward[4]!.action).toEqual({ kind: 'reject' });
    expect(forward[7]!.action).toEqual({ kind: 'continue', target: 'LOG' });
    expect(forward[7]!.match.unknown).toEqual([
      { text: '--limit 5/min', why: 'rate limit: matches only while traffic stays under the limit' },
    ]);
    expect(rules(filter, 'INPUT')[3]!.match).toMatchObject({
      protocols: { values: ['icmp'] },
      unknown: [{ text: '--icmp-type 8', why: 'ICMP types are not modelled' }],
    });
  });

  it('warns that the nat table moves 198.51.100.11:8445 to 172.16.10.20:445 before FORWARD sees it', () => {
    const dnat = filter.warnings.filter((w) => /rewrites destinations/.test(w));
    expect(dnat).toHaveLength(3);
    expect(dnat[2]).toMatch(/^line 43: table nat .*--dport 8445 -j DNAT --to-destination 172\.16\.10\.20:445/);
  });

  it('reads the same rules from the dump with [packets:bytes] counters', () => {
    const counted = load('generated/iptables-save_dmz_v4_with_counters.txt');
    expect(counted.chains).toEqual(filter.chains);
    expect(counted.warnings).toEqual(filter.warnings);
  });

  it('is detected by content', () => {
    const text = readFileSync(join(FIXTURES, 'generated/iptables-save_dmz_v4.txt'), 'utf8');
    expect(iptablesSaveFormat.detect({ name: 'x', text })).toBe(true);
    expect(iptablesSaveFormat.detect({ name: 'x', text: '# just a comment\n-A INPUT -j ACCEPT\n' })).toBe(false);
  });
});

describe('iptables-save: other real dumps', () => {
  it('reads ip6tables-save as an IPv6 filter', () => {
    const filter = load('generated/ip6tables-save_dmz_v6.txt');
    expect(filter.families).toEqual(['ipv6']);
    const forward = rules(filter, 'FORWARD');
    expect(forward[2]).toMatchObject({
      match: {
        sources: { cidrs: ['fd00::/8'], negate: false },
        outInterface: { name: 'eth1', negate: false },
        destinationPorts: { ranges: [{ from: 445, to: 445 }] },
      },
      action: { kind: 'accept' },
    });
    expect(forward[4]!.match.protocols).toEqual({ values: ['ipv6-icmp'], negate: false });
  });

  it('warns, with no chains, when iptables-save shows only an empty nat table beside native nftables', () => {
    const filter = load('generated/iptables-save_when_native_nft_loaded.txt');
    expect(filter.chains).toEqual([]);
    expect(filter.entryChains).toEqual({});
    expect(filter.warnings.join('\n')).toMatch(
      /line 1: iptables-save says "Table `nat' contains incompatible base-chains.*import `nft -j list ruleset`/,
    );
    expect(filter.warnings.join('\n')).toMatch(/no filter table/);
  });

  it('reads the batfish iptables-save 1.4.7 dumps (several # Generated blocks, trailing spaces, no /32)', () => {
    const host2 = load('public/batfish__host2.iptables');
    expect(host2.name).toBe('batfish__host2');
    expect(rules(host2, 'OUTPUT')[0]).toMatchObject({
      match: { destinations: { cidrs: ['2.128.0.101'], negate: false } },
      action: { kind: 'drop' },
    });
    const host1 = load('public/batfish__example_live_host1.iptables');
    expect(rules(host1, 'INPUT').map((r) => [r.match.protocols?.values, r.match.destinationPorts?.ranges])).toEqual([
      [['udp'], [{ from: 53, to: 53 }]],
      [['tcp'], [{ from: 22, to: 22 }]],
    ]);
  });

  it('warns that the hand-written batfish firewalls filter in the mangle table, which is not read', () => {
    const z1 = load('public/batfish-iptables-firewall/z1-firewall.v4');
    expect(z1.chains).toEqual([]);
    expect(z1.warnings).toContain(
      'table mangle drops packets (policy DROP on PREROUTING (line 5)); only the filter table is read, so what is reachable may be overstated',
    );
    const host = load('public/batfish-iptables-firewall/z2-host2.v4');
    expect(rules(host, 'INPUT')[0]!.match).toMatchObject({
      sources: { cidrs: ['10.0.8.10'] },
      sourcePorts: { ranges: [{ from: 80, to: 80 }], negate: false },
    });
    expect(
      load('public/batfish-iptables-firewall/z2-firewall.v4').warnings.some((w) =>
        /table mangle drops packets/.test(w),
      ),
    ).toBe(true);
  });
});

describe('iptables-save: rule syntax', () => {
  it('reads open-ended port ranges, negated protocols, states and interfaces', () => {
    const filter = parseText(
      RULESET(
        '-A INPUT ! -p udp --sport :1023 -m state ! --state NEW ! -i eth0 -j ACCEPT\n-A INPUT -p tcp --dport 1024: -j DROP',
      ),
    );
    expect(rules(filter, 'INPUT')[0]!.match).toEqual({
      protocols: { values: ['udp'], negate: true },
      sourcePorts: { ranges: [{ from: 0, to: 1023 }], negate: false },
      states: { values: ['NEW'], negate: true },
      inInterface: { name: 'eth0', negate: true },
      unknown: [],
    });
    expect(rules(filter, 'INPUT')[1]!.match.destinationPorts).toEqual({
      ranges: [{ from: 1024, to: 65535 }],
      negate: false,
    });
  });

  it('names the filter after the file up to its first dot', () => {
    expect(parseText(RULESET(''), '/etc/fw/edge.iptables-save.txt').name).toBe('edge');
  });

  it('keeps quoted comments with spaces and escaped quotes as the rule label', () => {
    const filter = parseText(
      RULESET('-A INPUT -p tcp -m tcp --dport 445 -m comment --comment "block \\"SMB\\" from  outside" -j DROP'),
    );
    expect(rules(filter, 'INPUT')[0]).toMatchObject({
      label: 'block "SMB" from  outside',
      action: { kind: 'drop' },
      match: { unknown: [] },
    });
  });

  it('reads comma lists of addresses, goto, iprange and multiport ranges', () => {
    const filter = parseText(
      RULESET(
        '-A FORWARD -s 10.0.0.0/8,192.168.1.1/32 -p tcp -m multiport --dports 135:139,445 -g USER\n-A USER -m iprange --src-range 10.0.0.1-10.0.0.6 -j RETURN',
      ),
    );
    expect(rules(filter, 'FORWARD')[0]).toMatchObject({
      match: {
        sources: { cidrs: ['10.0.0.0/8', '192.168.1.1/32'], negate: false },
        destinationPorts: {
          ranges: [
            { from: 135, to: 139 },
            { from: 445, to: 445 },
          ],
        },
      },
      action: { kind: 'goto', chain: 'USER' },
    });
    expect(rules(filter, 'USER')[0]!.match.sources).toEqual({
      cidrs: ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'],
      negate: false,
    });
  });

  it('keeps ipset, addrtype and recent matches as unknown, naming the ipset', () => {
    const filter = parseText(
      RULESET(
        '-A INPUT -m set --match-set blocklist src -j DROP\n-A INPUT -m addrtype --dst-type LOCAL -m recent --name ssh --rcheck --seconds 60 -j DROP',
      ),
    );
    const [ipset, other] = rules(filter, 'INPUT');
    expect(ipset!.match.unknown).toEqual([
      {
        text: '--match-set blocklist src',
        why: 'ipset contents are not in the dump',
        ref: { kind: 'ipset', id: 'blocklist' },
      },
    ]);
    expect(other!.match.unknown.map((u) => u.text)).toEqual([
      '--dst-type LOCAL',
      '--name ssh',
      '--rcheck',
      '--seconds 60',
    ]);
  });

  it('keeps a rule with an unknown option or an unterminated quote, with a warning, and still reads its target', () => {
    const filter = parseText(
      RULESET(
        '-A INPUT -m geoip --src-cc CN -j DROP\n-A INPUT -p tcp --dport 445 -m comment --comment "no end -j ACCEPT',
      ),
    );
    const [geoip, broken] = rules(filter, 'INPUT');
    expect(geoip!.match.unknown).toEqual([{ text: '--src-cc CN', why: 'option --src-cc is not understood' }]);
    expect(geoip!.action).toEqual({ kind: 'drop' });
    expect(broken!.match.unknown[0]!.why).toMatch(/unterminated quote/);
    expect(broken!.action).toEqual({ kind: 'accept' });
    expect(filter.warnings).toEqual([
      'line 6: --src-cc CN: option --src-cc is not understood; the rule is kept with this part unknown',
      expect.stringMatching(
        /^line 7: -A INPUT .*: unterminated quote: the rule was read word by word and may be misread; the rule is kept/,
      ),
      'line 7: end: unexpected word in the rule; the rule is kept with this part unknown',
    ]);
  });

  it('classifies targets: marks continue, unknown extensions stay unknown', () => {
    const filter = parseText(
      RULESET('-A INPUT -j MARK --set-mark 1\n-A INPUT -j NFQUEUE --queue-num 0\n-A INPUT -p tcp'),
    );
    expect(rules(filter, 'INPUT').map((r) => r.action)).toEqual([
      { kind: 'continue', target: 'MARK' },
      { kind: 'unknown', target: 'NFQUEUE' },
      { kind: 'continue', target: '(no target)' },
    ]);
  });
});

describe('iptables-save: input that is not a dump is refused with the line', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a line that is not a rule',
      RULESET('-Z FORWARD'),
      /edge\.iptables-save \(line 6, column 1\): "-Z FORWARD" is not a rule/,
    ],
    ['garbage', RULESET('hello world'), /\(line 6, column 1\): "hello world" is not a rule/],
    [
      'a missing COMMIT',
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n',
      /\(line 4\): table filter \(line 1\) ends without COMMIT/,
    ],
    [
      'a second table before COMMIT',
      '*filter\n:INPUT ACCEPT [0:0]\n*nat\nCOMMIT\n',
      /\(line 3\): table filter \(line 1\) has no COMMIT before the next table starts/,
    ],
    ['a rule outside a table', '-A INPUT -j ACCEPT\n', /\(line 1\): "-A INPUT -j ACCEPT" is outside a table/],
    [
      'an undeclared user chain',
      RULESET('-A NOPE -j ACCEPT'),
      /\(line 6\): rule for chain NOPE, which is not declared/,
    ],
    [
      'a bad address',
      RULESET('-A INPUT -s 10.0.0.300/8 -j ACCEPT'),
      /\(line 6\): "10\.0\.0\.300\/8" is not an IPv4 or IPv6 address/,
    ],
    [
      'an IPv6 address in an IPv4 dump',
      '# Generated by iptables-save v1.8.9\n' + RULESET('-A INPUT -s 2001:db8::/32 -j ACCEPT'),
      /\(line 7\): IPv6 address in an iptables-save \(IPv4\) dump/,
    ],
    [
      'a port out of range',
      RULESET('-A INPUT -p tcp --dport 70000 -j ACCEPT'),
      /\(line 6\): port 70000 is outside 0-65535/,
    ],
    ['a bad policy', '*filter\n:INPUT MAYBE [0:0]\nCOMMIT\n', /\(line 2\): built-in chain INPUT has policy "MAYBE"/],
  ];

  it.each(cases)('%s', (_, text, message) => {
    let caught: unknown;
    try {
      parseText(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toMatch(message);
  });
});
