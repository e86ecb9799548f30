/**
 * `nft -j list ruleset` (libnftables-json) → Filters. One table with filter base chains on input/forward gives
 * one filter named after the file; several such tables give one filter each, named `<file>:<family>:<table>`,
 * because every table hooked on a path must accept a packet. Named sets are resolved from the same table.
 */
import { InputError } from '../../common/errors';
import { quoteValue } from '../../common/input-limits';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { childPointer, pointer } from '../../common/json-pointer';
import type {
  AddressFamily,
  AddressMatch,
  Chain,
  Filter,
  FilterBatch,
  FilterRule,
  PortMatch,
  PortRange,
  RuleAction,
  RuleMatch,
} from '../model';
import { addressFamily, rangeToCidrs } from './filter-address';
import { normalizeProtocol } from './filter-protocol';
import { filterBaseName, filterSource } from './filter-source';

type Json = unknown;
type JsonObject = Record<string, Json>;

const FAMILIES: Record<string, AddressFamily[]> = { ip: ['ipv4'], ip6: ['ipv6'], inet: ['ipv4', 'ipv6'] };
const ENTRY_HOOKS = ['input', 'forward'] as const;
const L4_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
/** Statements that act on the packet and let it go on within the same rule. */
const SIDE_EFFECTS = new Set([
  'counter',
  'log',
  'mangle',
  'meta',
  'ct',
  'notrack',
  'set',
  'map',
  'quota-reset',
  'synproxy',
  'tproxy',
  'dup',
  'fwd',
  'snat',
  'dnat',
  'masquerade',
  'redirect',
  'ct helper',
  'ct timeout',
  'ct expectation',
]);
const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'continue', 'queue']);

export const nftablesJsonFormat: FormatHandler<FilterBatch> = {
  format: 'nft-json',
  description: 'nftables ruleset as JSON (`nft -j list ruleset`)',
  detect(doc) {
    const json = doc.json as JsonObject | null | undefined;
    return isObject(json) && Array.isArray(json.nftables);
  },
  parse(doc) {
    return { kind: 'filters', filters: parseNftablesJson(doc) };
  },
};

interface NftSet {
  elements: Json[];
  dynamic: boolean;
}

interface NftTable {
  family: string;
  name: string;
  chains: Map<string, { chain: JsonObject; at: string }>;
  rules: { rule: JsonObject; at: string }[];
  sets: Map<string, NftSet>;
}

export function parseNftablesJson(doc: Pick<SniffedDocument, 'name' | 'json'>): Filter[] {
  const file = doc.name;
  const base = filterBaseName(file);
  const { units, natWarnings } = filterUnits(readTables(file, doc.json));
  if (units.length === 0) {
    return [
      {
        name: base,
        kind: 'nftables',
        families: ['ipv4', 'ipv6'],
        chains: [],
        entryChains: {},
        warnings: ['no filter base chain on the input or forward hook: this ruleset filters nothing', ...natWarnings],
        source: filterSource('nft-json', file),
      },
    ];
  }
  const perTable = new Map<NftTable, number>();
  return units.map(({ table, entries, warnings }) => {
    const index = perTable.get(table) ?? 0;
    perTable.set(table, index + 1);
    const name = units.length === 1 ? base : `${base}:${table.family}:${table.name}${index > 0 ? `:${index + 1}` : ''}`;
    const setWarnings = [...table.sets]
      .filter(([, set]) => set.dynamic)
      .map(
        ([setName, set]) =>
          `set @${setName} is dynamic (timeout/dynamic flags): its ${set.elements.length} element(s) are a snapshot of when the ruleset was listed`,
      );
    return {
      name,
      label: `table ${table.family} ${table.name}`,
      kind: 'nftables',
      families: FAMILIES[table.family]!,
      chains: readChains(file, table, warnings),
      entryChains: entries,
      warnings: [...warnings, ...setWarnings, ...natWarnings],
      source: filterSource('nft-json', file),
    };
  });
}

/** The ruleset's tables with their chains, rules and sets, each item checked to name a table listed before it. */
function readTables(file: string, root: unknown): Map<string, NftTable> {
  if (!isObject(root) || !Array.isArray(root.nftables))
    throw new InputError(file, 'no "nftables" array: not the output of `nft -j list ruleset`', { pointer: '' });
  const tables = new Map<string, NftTable>();
  const tableOf = (object: JsonObject, at: string): NftTable => {
    const key = `${text(file, object.family, `${at}/family`)} ${text(file, object.table, `${at}/table`)}`;
    const table = tables.get(key);
    if (!table)
      throw new InputError(file, `refers to table ${key}, which the ruleset does not list before it`, {
        pointer: `${at}/table`,
      });
    return table;
  };

  root.nftables.forEach((item, i) => {
    const at = pointer('nftables', i);
    if (!isObject(item)) throw new InputError(file, 'expected an object such as {"rule": …}', { pointer: at });
    const [kind, body] = Object.entries(item)[0] ?? [];
    if (kind === 'metainfo') return;
    if (!isObject(body)) throw new InputError(file, `"${kind}" must hold an object`, { pointer: at });
    const bodyAt = childPointer(at, kind!);
    if (kind === 'table') {
      const family = text(file, body.family, `${bodyAt}/family`);
      const name = text(file, body.name, `${bodyAt}/name`);
      tables.set(`${family} ${name}`, { family, name, chains: new Map(), rules: [], sets: new Map() });
    } else if (kind === 'chain') {
      tableOf(body, bodyAt).chains.set(text(file, body.name, `${bodyAt}/name`), { chain: body, at: bodyAt });
    } else if (kind === 'rule') {
      tableOf(body, bodyAt).rules.push({ rule: body, at: bodyAt });
    } else if (kind === 'set' || kind === 'map') {
      const flags = Array.isArray(body.flags) ? body.flags : [];
      tableOf(body, bodyAt).sets.set(text(file, body.name, `${bodyAt}/name`), {
        elements: Array.isArray(body.elem) ? body.elem : [],
        dynamic: flags.includes('dynamic') || flags.includes('timeout') || body.timeout !== undefined,
      });
    }
  });

  return tables;
}

type EntryChains = Partial<Record<(typeof ENTRY_HOOKS)[number], string>>;

/**
 * One filter per table and rank of base chain: the k-th input and the k-th forward chain of a table (by priority)
 * filter together. Hooks the model does not read and rewrites of destinations are warnings.
 */
function filterUnits(tables: Map<string, NftTable>): {
  units: { table: NftTable; entries: EntryChains; warnings: string[] }[];
  natWarnings: string[];
} {
  const units: { table: NftTable; entries: EntryChains; warnings: string[] }[] = [];
  const natWarnings: string[] = [];
  for (const table of tables.values()) {
    const families = FAMILIES[table.family];
    const byHook = new Map<string, { name: string; prio: number }[]>();
    for (const [name, { chain }] of table.chains) {
      if (chain.hook === undefined) continue;
      if (chain.type === 'nat' && (chain.hook === 'prerouting' || chain.hook === 'output'))
        natWarnings.push(...destinationRewrites(table, name));
      if (chain.type !== 'filter' || !families) continue;
      const list = byHook.get(String(chain.hook)) ?? [];
      list.push({ name, prio: typeof chain.prio === 'number' ? chain.prio : 0 });
      byHook.set(String(chain.hook), list);
    }
    const otherHooks = [...byHook.keys()].filter((hook) => hook === 'prerouting' || hook === 'ingress');
    const count = Math.max(0, ...ENTRY_HOOKS.map((hook) => byHook.get(hook)?.length ?? 0));
    for (let k = 0; k < count; k++) {
      const entries: EntryChains = {};
      for (const hook of ENTRY_HOOKS) {
        const chain = [...(byHook.get(hook) ?? [])].sort((a, b) => a.prio - b.prio)[k];
        if (chain) entries[hook] = chain.name;
      }
      const warnings = otherHooks.map(
        (hook) =>
          `table ${table.family} ${table.name} also filters at hook ${hook} (${byHook
            .get(hook)!
            .map((c) => c.name)
            .join(', ')}), which is not modelled`,
      );
      units.push({ table, entries, warnings });
    }
    if (!families && [...table.chains.values()].some(({ chain }) => chain.type === 'filter')) {
      natWarnings.push(`table ${table.family} ${table.name} filters ${table.family} traffic, which is not modelled`);
    }
  }
  return { units, natWarnings };
}

function readChains(file: string, table: NftTable, warnings: string[]): Chain[] {
  const chains = new Map<string, Chain>();
  for (const [name, { chain, at }] of table.chains) {
    if (chain.type !== undefined && chain.type !== 'filter') continue;
    const policy =
      chain.policy === undefined
        ? undefined
        : chain.policy === 'accept' || chain.policy === 'drop'
          ? chain.policy
          : fail(file, `policy "${String(chain.policy)}" is neither accept nor drop`, `${at}/policy`);
    chains.set(name, { name, ...(chain.hook !== undefined ? { policy: policy ?? 'accept' } : {}), rules: [] });
  }
  // a verdict map becomes several rules that share the number of the rule the source lists
  const counts = new Map<string, number>();
  for (const { rule, at } of table.rules) {
    const chain = chains.get(text(file, rule.chain, `${at}/chain`));
    if (!chain) continue;
    const number = (counts.get(chain.name) ?? 0) + 1;
    counts.set(chain.name, number);
    chain.rules.push(...readRule(file, table, rule, at, number, chains, warnings));
  }
  return [...chains.values()];
}

interface Reading {
  match: RuleMatch;
  family?: AddressFamily;
  action?: RuleAction;
  /** A verdict map split into one rule per key: [key value, verdict, pointer of the element]. */
  vmap?: { left: JsonObject; entries: [Json, RuleAction, string][] };
  side: string[];
  parts: string[];
}

function readRule(
  file: string,
  table: NftTable,
  rule: JsonObject,
  at: string,
  number: number,
  chains: Map<string, Chain>,
  warnings: string[],
): FilterRule[] {
  if (!Array.isArray(rule.expr)) throw new InputError(file, 'a rule needs an "expr" array', { pointer: `${at}/expr` });
  const reading: Reading = { match: { unknown: [] }, side: [], parts: [] };
  rule.expr.forEach((expr, i) => readExpression(file, table, expr, `${at}/expr/${i}`, reading, chains));
  const handle = rule.handle === undefined ? undefined : `handle ${String(rule.handle)}`;
  const label =
    [handle, typeof rule.comment === 'string' ? rule.comment : undefined].filter(Boolean).join(': ') || undefined;
  const common = { number, text: reading.parts.join(' '), ...(label ? { label } : {}) };
  for (const unknown of reading.match.unknown) warnings.push(`${at} (${common.text}): ${unknown.text}: ${unknown.why}`);
  const family = reading.family ? { family: reading.family } : {};
  if (reading.vmap) {
    const { left, entries } = reading.vmap;
    return entries.map(([key, action, elementAt]) => {
      const split: Reading = { match: structuredClone(reading.match), side: [], parts: [] };
      readMatch(file, table, { op: '==', left, right: key }, elementAt, split);
      return {
        ...common,
        locator: elementAt,
        ...family,
        ...(split.family ? { family: split.family } : {}),
        match: split.match,
        action,
      };
    });
  }
  const action = reading.action ?? { kind: 'continue', target: reading.side.join(' ') || '(no verdict)' };
  return [{ ...common, locator: at, ...family, match: reading.match, action }];
}

function readExpression(
  file: string,
  table: NftTable,
  expr: Json,
  at: string,
  reading: Reading,
  chains: Map<string, Chain>,
): void {
  if (!isObject(expr)) throw new InputError(file, 'a rule expression must be an object', { pointer: at });
  const [kind, body] = Object.entries(expr)[0] ?? ['?', undefined];
  const bodyAt = childPointer(at, kind);
  if (kind === 'match') {
    if (!isObject(body)) throw new InputError(file, 'a match needs {op, left, right}', { pointer: bodyAt });
    reading.parts.push(renderMatch(body));
    readMatch(file, table, body, bodyAt, reading);
  } else if (VERDICTS.has(kind)) {
    reading.parts.push(renderVerdict(kind, body));
    reading.action ??= verdict(file, kind, body, bodyAt, chains);
  } else if (
    kind === 'vmap' &&
    isObject(body) &&
    isObject(body.key) &&
    isObject(body.data) &&
    Array.isArray(body.data.set)
  ) {
    reading.parts.push(
      `${renderValue(body.key)} vmap { ${body.data.set.map((pair) => (Array.isArray(pair) ? `${renderValue(pair[0])} : ${renderVerdictObject(pair[1])}` : '?')).join(', ')} }`,
    );
    const key = body.key;
    const entries = body.data.set.map((pair, j): [Json, RuleAction, string] => {
      const elementAt = `${bodyAt}/data/set/${j}`;
      if (!Array.isArray(pair) || pair.length !== 2 || !isObject(pair[1]))
        throw new InputError(file, 'a verdict map element must be [key, verdict]', { pointer: elementAt });
      const [verdictKind, verdictBody] = Object.entries(pair[1])[0] ?? ['?', undefined];
      return [pair[0], verdict(file, verdictKind, verdictBody, `${elementAt}/1`, chains), elementAt];
    });
    reading.vmap = { left: key, entries };
  } else if (kind === 'xt' && isObject(body)) {
    const name = String(body.name ?? '?');
    reading.parts.push(`xt ${String(body.type ?? 'match')} ${name}`);
    if (body.type === 'target') reading.action ??= xtTarget(name);
    else reading.match.unknown.push({ text: `xt match ${name}`, why: 'opaque xt match left by iptables-nft' });
  } else if (kind === 'limit' || kind === 'quota') {
    reading.parts.push(renderStatement(kind, body));
    reading.match.unknown.push({
      text: renderStatement(kind, body),
      why:
        kind === 'limit'
          ? 'rate limit: matches only while traffic stays under the limit'
          : 'quota: matches only until the byte count is used up',
    });
  } else {
    reading.parts.push(renderStatement(kind, body));
    if (!SIDE_EFFECTS.has(kind))
      reading.match.unknown.push({ text: renderStatement(kind, body), why: `expression "${kind}" is not understood` });
    else reading.side.push(kind);
  }
}

function readMatch(file: string, table: NftTable, body: JsonObject, at: string, reading: Reading): void {
  const op = String(body.op ?? '==');
  const left = body.left;
  const right = body.right;
  const negate = op === '!=';
  const unknown = (why: string): void => void reading.match.unknown.push({ text: renderMatch(body), why });
  const comparison = op === '<' || op === '>' || op === '<=' || op === '>=';
  if (!['==', '!=', 'in'].includes(op) && !comparison) return unknown(`operator "${op}" is not modelled`);
  const setFamily = (family: AddressFamily): void => {
    reading.family = family;
  };

  if (isObject(left) && isObject(left.payload)) {
    const protocol = String(left.payload.protocol);
    const field = String(left.payload.field);
    if ((protocol === 'ip' || protocol === 'ip6') && (field === 'saddr' || field === 'daddr') && !comparison) {
      setFamily(protocol === 'ip' ? 'ipv4' : 'ipv6');
      const match: AddressMatch = { cidrs: addresses(file, table, right, `${at}/right`, reading), negate };
      if (field === 'saddr') reading.match.sources = match;
      else reading.match.destinations = match;
      return;
    }
    if ((protocol === 'ip' && field === 'protocol') || (protocol === 'ip6' && field === 'nexthdr')) {
      setFamily(protocol === 'ip' ? 'ipv4' : 'ipv6');
      return setProtocols(reading, scalars(file, table, right, `${at}/right`), negate);
    }
    if ((L4_PROTOCOLS.has(protocol) || protocol === 'th') && (field === 'dport' || field === 'sport')) {
      if (protocol !== 'th') setProtocols(reading, [protocol], false);
      const ports = comparison ? compare(op, right) : { ranges: portRanges(file, table, right, `${at}/right`), negate };
      if (!ports) return unknown('a port comparison needs a number');
      if (field === 'dport') reading.match.destinationPorts = ports;
      else reading.match.sourcePorts = ports;
      return;
    }
    if (protocol === 'icmp' || protocol === 'icmpv6') {
      setProtocols(reading, [protocol === 'icmp' ? 'icmp' : 'ipv6-icmp'], false);
      setFamily(protocol === 'icmp' ? 'ipv4' : 'ipv6');
      return unknown('ICMP types are not modelled');
    }
    return unknown(`${protocol} ${field} is not modelled`);
  }
  if (isObject(left) && isObject(left.meta) && !comparison) {
    const key = String(left.meta.key);
    if (key === 'l4proto') return setProtocols(reading, scalars(file, table, right, `${at}/right`), negate);
    if (key === 'iifname' || key === 'iif' || key === 'oifname' || key === 'oif') {
      const names = scalars(file, table, right, `${at}/right`);
      if (names.length !== 1) return unknown('a set of interfaces is not modelled');
      const iface = { name: names[0]!.replace(/(?<!\\)\*$/, '+'), negate };
      if (key.startsWith('i')) reading.match.inInterface = iface;
      else reading.match.outInterface = iface;
      return;
    }
    if (key === 'nfproto') {
      const values = scalars(file, table, right, `${at}/right`);
      if (values.length !== 1 || (values[0] !== 'ipv4' && values[0] !== 'ipv6'))
        return unknown('meta nfproto other than ipv4/ipv6');
      return setFamily(negate ? (values[0] === 'ipv4' ? 'ipv6' : 'ipv4') : values[0]);
    }
    return unknown(`meta ${key} is not modelled`);
  }
  if (isObject(left) && isObject(left.ct) && left.ct.key === 'state' && !comparison) {
    reading.match.states = { values: scalars(file, table, right, `${at}/right`).map((s) => s.toUpperCase()), negate };
    return;
  }
  unknown('this match is not modelled');
}

function setProtocols(reading: Reading, values: string[], negate: boolean): void {
  const normalized = values.map((v) => normalizeProtocol(v)).filter((v): v is string => v !== undefined);
  const existing = reading.match.protocols;
  // `meta l4proto { tcp, udp } tcp dport 445` means tcp only: keep the intersection of what both allow
  if (existing && !existing.negate && !negate)
    reading.match.protocols = { values: existing.values.filter((v) => normalized.includes(v)), negate: false };
  else reading.match.protocols = { values: normalized, negate };
}

function compare(op: string, right: Json): PortMatch | undefined {
  if (typeof right !== 'number') return undefined;
  const range: PortRange =
    op === '<'
      ? { from: 0, to: right - 1 }
      : op === '<='
        ? { from: 0, to: right }
        : op === '>'
          ? { from: right + 1, to: 65535 }
          : { from: right, to: 65535 };
  return { ranges: range.from <= range.to ? [range] : [], negate: false };
}

/** The elements a right-hand side stands for: a literal, an anonymous set, a list, or a named set of the table. */
function elements(file: string, table: NftTable, right: Json, at: string): { value: Json; at: string }[] {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = table.sets.get(right.slice(1));
    if (!set)
      throw new InputError(file, `named set ${right} is not defined in table ${table.family} ${table.name}`, {
        pointer: at,
      });
    return set.elements.map((value) => ({
      value: isObject(value) && isObject(value.elem) ? value.elem.val : value,
      at,
    }));
  }
  if (isObject(right) && Array.isArray(right.set))
    return right.set.map((value, i) => ({
      value: isObject(value) && isObject(value.elem) ? value.elem.val : value,
      at: `${at}/set/${i}`,
    }));
  if (Array.isArray(right)) return right.map((value, i) => ({ value, at: `${at}/${i}` }));
  return [{ value: right, at }];
}

function addresses(file: string, table: NftTable, right: Json, at: string, reading: Reading): string[] {
  const cidrs: string[] = [];
  for (const { value, at: where } of elements(file, table, right, at)) {
    const check = (cidr: string): string => {
      let family: AddressFamily;
      try {
        family = addressFamily(cidr);
      } catch (error) {
        throw new InputError(file, (error as Error).message, { pointer: where });
      }
      if (reading.family && family !== reading.family)
        throw new InputError(file, `${cidr} is not an ${reading.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`, {
          pointer: where,
        });
      return cidr;
    };
    if (typeof value === 'string') cidrs.push(check(value));
    else if (isObject(value) && isObject(value.prefix))
      cidrs.push(check(`${String(value.prefix.addr)}/${String(value.prefix.len)}`));
    else if (isObject(value) && Array.isArray(value.range)) {
      try {
        cidrs.push(...rangeToCidrs(String(value.range[0]), String(value.range[1])));
      } catch (error) {
        throw new InputError(file, (error as Error).message, { pointer: where });
      }
    } else throw new InputError(file, `${quoteValue(value)} is not an address, prefix or range`, { pointer: where });
  }
  return cidrs;
}

function portRanges(file: string, table: NftTable, right: Json, at: string): PortRange[] {
  return elements(file, table, right, at).map(({ value, at: where }) => {
    const [from, to] = isObject(value) && Array.isArray(value.range) ? value.range : [value, value];
    if (!isPort(from) || !isPort(to) || from > to)
      throw new InputError(file, `${quoteValue(value)} is not a port or port range (0-65535)`, { pointer: where });
    return { from, to };
  });
}

function scalars(file: string, table: NftTable, right: Json, at: string): string[] {
  return elements(file, table, right, at).map(({ value, at: where }) => {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new InputError(file, `expected a name or number, found ${quoteValue(value)}`, { pointer: where });
    return String(value);
  });
}

function verdict(file: string, kind: string, body: Json, at: string, chains: Map<string, Chain>): RuleAction {
  switch (kind) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'return':
      return { kind };
    case 'continue':
      return { kind: 'continue', target: 'continue' };
    case 'jump':
    case 'goto': {
      const target = isObject(body) ? body.target : undefined;
      if (typeof target !== 'string' || !chains.has(target))
        throw new InputError(file, `${kind} to ${quoteValue(target)}, which is not a chain of this table`, {
          pointer: `${at}/target`,
        });
      return { kind, chain: target };
    }
    default:
      return { kind: 'unknown', target: kind };
  }
}

/** iptables-nft keeps the target's name even where it drops its parameters. */
function xtTarget(name: string): RuleAction {
  if (name === 'ACCEPT' || name === 'DROP' || name === 'REJECT' || name === 'RETURN')
    return { kind: name.toLowerCase() as 'accept' | 'drop' | 'reject' | 'return' };
  if (['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TCPMSS'].includes(name))
    return { kind: 'continue', target: name };
  return { kind: 'unknown', target: name };
}

function destinationRewrites(table: NftTable, chain: string): string[] {
  return table.rules
    .filter(
      ({ rule }) =>
        rule.chain === chain &&
        Array.isArray(rule.expr) &&
        rule.expr.some(
          (e) =>
            isObject(e) &&
            ('dnat' in e || 'redirect' in e || (isObject(e.xt) && (e.xt.name === 'DNAT' || e.xt.name === 'REDIRECT'))),
        ),
    )
    .map(
      ({ at }) =>
        `${at}: table ${table.family} ${table.name} rewrites destinations before filtering (chain ${chain}); filter rules match the translated address and port, and NAT is not modelled`,
    );
}

function renderMatch(body: JsonObject): string {
  const op = body.op === '==' || body.op === 'in' || body.op === undefined ? '' : `${String(body.op)} `;
  return `${renderValue(body.left)} ${op}${renderValue(body.right)}`;
}

/** How deep a value is rendered for display: deeper parts become "…" (readers have bounded input depth too). */
const RENDER_DEPTH = 8;

function renderValue(value: Json, depth = 0): string {
  if (depth > RENDER_DEPTH) return '…';
  const text = renderValueAt(value, depth + 1);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function renderValueAt(value: Json, depth: number): string {
  const render = (inner: Json) => renderValue(inner, depth);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  if (!isObject(value)) return JSON.stringify(value);
  if (isObject(value.payload)) return `${String(value.payload.protocol)} ${String(value.payload.field)}`;
  if (isObject(value.meta))
    return ['iifname', 'oifname', 'iif', 'oif'].includes(String(value.meta.key))
      ? String(value.meta.key)
      : `meta ${String(value.meta.key)}`;
  if (isObject(value.ct)) return `ct ${String(value.ct.key)}`;
  if (isObject(value.prefix)) return `${String(value.prefix.addr)}/${String(value.prefix.len)}`;
  if (Array.isArray(value.range)) return `${render(value.range[0])}-${render(value.range[1])}`;
  if (Array.isArray(value.set)) return `{ ${value.set.map(render).join(', ')} }`;
  if (isObject(value.elem)) return render(value.elem.val);
  const [operator, operands] = Object.entries(value)[0] ?? ['?', undefined];
  if ((operator === '&' || operator === '|' || operator === '^') && Array.isArray(operands))
    return `(${operands.map(render).join(` ${operator} `)})`;
  return quoteValue(value);
}

function renderVerdict(kind: string, body: Json): string {
  if ((kind === 'jump' || kind === 'goto') && isObject(body)) return `${kind} ${String(body.target)}`;
  if (kind === 'reject' && isObject(body) && body.type !== undefined)
    return `reject with ${String(body.type)}${body.expr !== undefined ? ` ${String(body.expr)}` : ''}`;
  return kind;
}

function renderVerdictObject(value: Json): string {
  const [kind, body] = isObject(value) ? (Object.entries(value)[0] ?? ['?', undefined]) : ['?', undefined];
  return renderVerdict(kind, body);
}

function renderStatement(kind: string, body: Json): string {
  if (!isObject(body)) return kind;
  if (kind === 'log') return body.prefix !== undefined ? `log prefix "${String(body.prefix)}"` : 'log';
  if (kind === 'limit') return `limit rate ${String(body.rate)}/${String(body.per ?? 'second')}`;
  if (kind === 'counter') return 'counter';
  return `${kind} ${Object.entries(body)
    .map(([k, v]) => `${k} ${renderValue(v)}`)
    .join(' ')}`;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPort(value: Json): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

function text(file: string, value: Json, at: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InputError(file, 'expected a non-empty string', { pointer: at });
  return value;
}

function fail(file: string, problem: string, at: string): never {
  throw new InputError(file, problem, { pointer: at });
}
