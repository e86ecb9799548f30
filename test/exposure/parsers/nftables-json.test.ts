import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors';
import { parseJsonText } from '../../../src/common/parse-json';
import { nftablesJsonFormat, parseNftablesJson } from '../../../src/exposure/parsers/nftables-json';
import type { Filter, FilterRule } from '../../../src/exposure/model';

const FIXTURES = join(__dirname, '../../fixtures/firewall');

function load(relative: string): Filter[] {
  const name = join(FIXTURES, relative);
  return parseNftablesJson({ name, json: JSON.parse(readFileSync(name, 'utf8')) });
}

function rules(filter: Filter, chain: string): FilterRule[] {
  const found = filter.chains.find((c) => c.name === chain);
  if (!found) throw new Error(`no chain ${chain}`);
  return found.rules;
}

function refusal(json: unknown, name = 'fw.json'): InputError {
  try {
    parseNftablesJson({ name, json });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const ruleset = (...items: unknown[]): unknown => ({
  nftables: [
    { table: { family: 'inet', name: 'fw' } },
    { set: { family: 'inet', table: 'fw', name: 'smb', type: 'inet_service', elem: [139, 445] } },
    { chain: { family: 'inet', table: 'fw', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
    ...items.map((expr) => ({ rule: { family: 'inet', table: 'fw', chain: 'input', expr } })),
  ],
});

describe('nft JSON: the native DMZ ruleset (inet table, named sets, vmap, jumps)', () => {
  const [filter] = load('generated/nft_json_ruleset_native_dmz.json');

  it('is one filter for both families, named after the file, with the base chains as entries', () => {
    expect(filter).toMatchObject({
      name: 'nft_json_ruleset_native_dmz',
      label: 'table inet fw',
      kind: 'nftables',
      families: ['ipv4', 'ipv6'],
      entryChains: { input: 'input', forward: 'forward' },
    });
    expect(filter!.chains.map((c) => [c.name, c.policy, c.rules.length])).toEqual([
      ['input', 'drop', 6],
      ['forward', 'drop', 8],
      ['from_internet', undefined, 5],
      ['from_internal', undefined, 5],
    ]);
    expect(filter!.source).toMatchObject({ format: 'nft-json' });
  });

  it('resolves the named sets @internal_v4 and @smb_ports and marks ip matches as IPv4-only', () => {
    const [smb] = rules(filter!, 'from_internal');
    expect(smb).toMatchObject({
      number: 1,
      label: 'handle 27',
      locator: '/nftables/25/rule',
      family: 'ipv4',
      text: 'ip saddr @internal_v4 tcp dport @smb_ports accept',
      match: {
        sources: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'], negate: false },
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
    expect(rules(filter!, 'from_internal')[1]).toMatchObject({
      family: 'ipv6',
      match: { sources: { cidrs: ['fd00::/8'] } },
    });
  });

  it('reads l4proto sets with th dport ranges, udp ranges, counters before a verdict, and return', () => {
    const internal = rules(filter!, 'from_internal');
    expect(internal[2]!.match).toMatchObject({
      protocols: { values: ['tcp', 'udp'], negate: false },
      destinationPorts: { ranges: [{ from: 1024, to: 65535 }] },
    });
    expect(internal[4]!.action).toEqual({ kind: 'return' });
    const internet = rules(filter!, 'from_internet');
    expect(internet[3]).toMatchObject({ text: 'tcp dport @smb_ports counter drop', action: { kind: 'drop' } });
    expect(internet[4]!.match.destinationPorts).toEqual({ ranges: [{ from: 137, to: 138 }], negate: false });
  });

  it('splits the ct state verdict map into one rule per state, sharing the rule number', () => {
    const forward = rules(filter!, 'forward');
    expect(forward.slice(0, 3).map((r) => [r.number, r.match.states, r.action, r.locator])).toEqual([
      [1, { values: ['INVALID'], negate: false }, { kind: 'drop' }, '/nftables/14/rule/expr/0/vmap/data/set/0'],
      [1, { values: ['ESTABLISHED'], negate: false }, { kind: 'accept' }, '/nftables/14/rule/expr/0/vmap/data/set/1'],
      [1, { values: ['RELATED'], negate: false }, { kind: 'accept' }, '/nftables/14/rule/expr/0/vmap/data/set/2'],
    ]);
    expect(forward[0]!.text).toBe('ct state vmap { invalid : drop, established : accept, related : accept }');
    expect(forward[3]).toMatchObject({
      number: 2,
      match: { inInterface: { name: 'eth0', negate: false }, outInterface: { name: 'eth1', negate: false } },
      action: { kind: 'jump', chain: 'from_internet' },
    });
    expect(forward[6]).toMatchObject({
      number: 5,
      text: 'iifname eth1 oifname eth2 tcp dport @smb_ports reject with tcp reset',
      action: { kind: 'reject' },
    });
    expect(forward[7]!.action).toEqual({ kind: 'continue', target: 'log' });
  });

  it('warns about the DNAT in table ip nat', () => {
    expect(filter!.warnings.filter((w) => /rewrites destinations/.test(w))).toEqual([
      '/nftables/33/rule: table ip nat rewrites destinations before filtering (chain prerouting); filter rules match the translated address and port, and NAT is not modelled',
      '/nftables/34/rule: table ip nat rewrites destinations before filtering (chain prerouting); filter rules match the translated address and port, and NAT is not modelled',
    ]);
  });
});

describe('nft JSON: rules iptables-nft left behind', () => {
  const filters = load('generated/nft_json_ruleset_from_iptables-nft.json');

  it('gives one filter per table, named <file>:<family>:<table>', () => {
    expect(filters.map((f) => [f.name, f.families])).toEqual([
      ['nft_json_ruleset_from_iptables-nft:ip:filter', ['ipv4']],
      ['nft_json_ruleset_from_iptables-nft:ip6:filter', ['ipv6']],
    ]);
  });

  it('flags the opaque xt matches and keeps the targets by name', () => {
    const v4 = filters[0]!;
    const dmz = rules(v4, 'DMZ_IN');
    expect(dmz[1]!.match.unknown).toEqual([
      { text: 'xt match multiport', why: 'opaque xt match left by iptables-nft' },
    ]);
    expect(dmz[1]!.match.sources).toEqual({ cidrs: ['10.0.0.0/8'], negate: false });
    expect(dmz[4]!.match.sources).toEqual({ cidrs: ['10.0.0.0/8'], negate: true });
    const forward = rules(v4, 'FORWARD');
    expect(forward[4]!.action).toEqual({ kind: 'reject' });
    expect(forward[7]!.action).toEqual({ kind: 'continue', target: 'LOG' });
    expect(v4.warnings.some((w) => /xt match conntrack: opaque xt match left by iptables-nft/.test(w))).toBe(true);
    expect(v4.warnings.filter((w) => /rewrites destinations/.test(w))).toHaveLength(3);
  });
});

describe('nft JSON: the nftables-rs examples', () => {
  it('reads the workstation ruleset (separate ip and ip6 tables, rule comments as labels)', () => {
    const [v4, v6] = load('public/nftables-rs__workstation.json');
    expect(v4!.name).toBe('nftables-rs__workstation:ip:filter');
    expect(rules(v4!, 'input')[1]).toMatchObject({
      label: 'handle 6: accept all connections related to connections made by us',
      match: { states: { values: ['ESTABLISHED', 'RELATED'], negate: false } },
    });
    expect(rules(v4!, 'input')[3]!.match).toMatchObject({
      inInterface: { name: 'lo', negate: true },
      destinations: { cidrs: ['127.0.0.0/8'], negate: false },
    });
    expect(rules(v6!, 'input')[4]!.match.protocols).toEqual({ values: ['ipv6-icmp'], negate: false });
  });

  it('resolves an empty dynamic set to nothing, with a warning, and keeps tcp flags unknown', () => {
    const [filter] = load('public/nftables-rs__nftables-init.json');
    expect(filter!.entryChains).toEqual({ input: 'input' });
    expect(rules(filter!, 'input')[0]!.match.sources).toEqual({ cidrs: [], negate: false });
    expect(filter!.warnings).toContain(
      'set @blackhole is dynamic (timeout/dynamic flags): its 0 element(s) are a snapshot of when the ruleset was listed',
    );
    expect(rules(filter!, 'input')[4]!.match.unknown).toEqual([
      { text: '(tcp flags & fin,syn) fin,syn', why: 'this match is not modelled' },
    ]);
    expect(rules(filter!, 'input')[10]!.match.sources!.cidrs).toEqual([
      '10.0.0.0/8',
      '12.34.56.72/29',
      '172.16.0.0/16',
    ]);
  });

  it('reports a NAT-only ruleset as filtering nothing', () => {
    const [filter] = load('public/nftables-rs__nat.json');
    expect(filter).toMatchObject({ name: 'nftables-rs__nat', chains: [], entryChains: {} });
    expect(filter!.warnings[0]).toMatch(/filters nothing/);
  });

  it('has no entry chain for a table without base chains', () => {
    const [filter] = load('public/nftables-rs__bitflags.json');
    expect(filter!.chains).toEqual([]);
  });
});

describe('nft JSON: rule syntax', () => {
  it('reads port comparisons, != interface wildcards and nfproto', () => {
    const [filter] = parseNftablesJson({
      name: 'fw.json',
      json: ruleset(
        [{ match: { op: '<', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 1024 } }, { accept: null }],
        [
          { match: { op: '!=', left: { meta: { key: 'iifname' } }, right: 'eth*' } },
          { match: { op: '==', left: { meta: { key: 'nfproto' } }, right: 'ipv6' } },
          { drop: null },
        ],
      ),
    });
    const [low, wild] = rules(filter!, 'input');
    expect(low!.match.destinationPorts).toEqual({ ranges: [{ from: 0, to: 1023 }], negate: false });
    expect(wild).toMatchObject({
      family: 'ipv6',
      match: { inInterface: { name: 'eth+', negate: true } },
      action: { kind: 'drop' },
    });
  });
});

describe('nft JSON: bad input', () => {
  it('is refused when truncated, with the line and column', () => {
    const text = readFileSync(join(FIXTURES, 'generated/nft_json_ruleset_native_dmz.json'), 'utf8');
    expect(() => parseJsonText('cut.json', text.slice(0, 500))).toThrow(
      /cut\.json \(line 1, column \d+\): invalid JSON: the document ends early/,
    );
  });

  it('is refused without a "nftables" array, and not detected as nft JSON', () => {
    expect(refusal({ ruleset: [] }).message).toBe(
      'fw.json (at /): no "nftables" array: not the output of `nft -j list ruleset`',
    );
    expect(nftablesJsonFormat.detect({ name: 'x', text: '{}', json: { ruleset: [] } })).toBe(false);
    expect(nftablesJsonFormat.detect({ name: 'x', text: '{}', json: { nftables: [] } })).toBe(true);
  });

  it('names the pointer of an undefined named set, a bad port and a jump to nowhere', () => {
    const match = (right: unknown) => ({
      match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right },
    });
    expect(refusal(ruleset([match('@nope'), { accept: null }])).message).toBe(
      'fw.json (at /nftables/3/rule/expr/0/match/right): named set @nope is not defined in table inet fw',
    );
    expect(refusal(ruleset([match({ set: [80, 70000] }), { accept: null }])).message).toBe(
      'fw.json (at /nftables/3/rule/expr/0/match/right/set/1): 70000 is not a port or port range (0-65535)',
    );
    expect(refusal(ruleset([{ jump: { target: 'elsewhere' } }])).message).toMatch(
      /\(at \/nftables\/3\/rule\/expr\/0\/jump\/target\): jump to "elsewhere", which is not a chain of this table/,
    );
    expect(
      refusal(
        ruleset([
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '10.0.0.256' } },
          { drop: null },
        ]),
      ).message,
    ).toMatch(/at \/nftables\/3\/rule\/expr\/0\/match\/right\): "10\.0\.0\.256" is not an IPv4 or IPv6 address/);
  });
});
