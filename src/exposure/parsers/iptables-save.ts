/**
 * `iptables-save` / `ip6tables-save` text → one Filter per file, named after the file (see filterBaseName).
 * Only the filter table decides reachability here; other tables are read for what the analysis must be told
 * (DNAT that moves destinations, mangle/raw rules that drop) but are not modelled.
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import type {
  AddressFamily,
  AddressMatch,
  Chain,
  Filter,
  FilterBatch,
  FilterRule,
  PortMatch,
  RuleAction,
  RuleMatch,
  UnknownMatch,
} from '../model';
import { addressFamily, rangeToCidrs } from './filter-address';
import { normalizeProtocol } from './filter-protocol';
import { filterBaseName, filterSource } from './filter-source';

const TABLE_HEADER = /^\*(filter|nat|mangle|raw|security)\s*$/m;
const CHAIN_DECLARATION = /^:\S+\s+\S+\s+\[\d+:\d+\]\s*$/m;
const COUNTERS = /^\[\d+:\d+\]\s+/;
const BUILTIN_FILTER_CHAINS = new Set(['INPUT', 'FORWARD', 'OUTPUT']);
const TERMINAL_TARGETS: Record<string, RuleAction> = {
  ACCEPT: { kind: 'accept' },
  DROP: { kind: 'drop' },
  REJECT: { kind: 'reject' },
  RETURN: { kind: 'return' },
};
/** Targets that act on the packet (log, mark, count) and let it go on to the next rule. */
const NON_TERMINAL_TARGETS = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'MARK',
  'CONNMARK',
  'CT',
  'NOTRACK',
  'TRACE',
  'TCPMSS',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'HL',
  'AUDIT',
  'SET',
  'CHECKSUM',
  'SECMARK',
  'CONNSECMARK',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'TEE',
]);
const DESTINATION_REWRITES = new Set(['DNAT', 'REDIRECT', 'NETMAP']);

/** Why a module iptables-save can print is not turned into address or port sets. */
const UNMODELLED_WHY: Record<string, string> = {
  '--match-set': 'ipset contents are not in the dump',
  '--limit': 'rate limit: matches only while traffic stays under the limit',
  '--limit-burst': 'rate limit: matches only while traffic stays under the limit',
  '--src-type': 'address type depends on the addresses the host holds',
  '--dst-type': 'address type depends on the addresses the host holds',
  '--limit-iface-in': 'address type depends on the addresses the host holds',
  '--limit-iface-out': 'address type depends on the addresses the host holds',
  '--icmp-type': 'ICMP types are not modelled',
  '--icmpv6-type': 'ICMP types are not modelled',
  '--tcp-flags': 'TCP flags are not modelled',
  '--syn': 'TCP flags are not modelled',
  '--ports': 'matches the source OR the destination port, which one port range cannot say',
};
const RECENT_OPTIONS = [
  '--name',
  '--set',
  '--rcheck',
  '--update',
  '--remove',
  '--seconds',
  '--hitcount',
  '--rttl',
  '--rsource',
  '--rdest',
  '--mask',
  '--reap',
];

export const iptablesSaveFormat: FormatHandler<FilterBatch> = {
  format: 'iptables-save',
  description: 'iptables-save or ip6tables-save output (filter table; the filter is named after the file)',
  detect(doc) {
    return (
      doc.json === undefined &&
      doc.xmlRoot === undefined &&
      TABLE_HEADER.test(doc.text) &&
      CHAIN_DECLARATION.test(doc.text)
    );
  },
  parse(doc) {
    return { kind: 'filters', filters: [parseIptablesSave(doc)] };
  },
};

interface RuleLine {
  line: number;
  text: string;
  tokens: string[];
  unterminatedQuote: boolean;
}

interface TableBlock {
  name: string;
  line: number;
  chains: Map<string, { policy: string; line: number }>;
  rules: RuleLine[];
}

export function parseIptablesSave(doc: Pick<SniffedDocument, 'name' | 'text'>): Filter {
  const file = doc.name;
  const { tables, headerFamily, warnings } = readTableBlocks(file, doc.text);
  const seenFamilies: { family: AddressFamily; line: number }[] = [];
  const filterTable = tables.find((t) => t.name === 'filter');
  const chains = filterTable ? readFilterChains(file, filterTable, warnings, seenFamilies) : [];
  if (!filterTable)
    warnings.push(
      'no filter table in this dump: iptables filters nothing on this host (nftables may still filter; import its `nft -j list ruleset`)',
    );
  for (const table of tables) if (table !== filterTable) warnings.push(...otherTableWarnings(table));
  return {
    name: filterBaseName(file),
    kind: 'iptables',
    families: [dumpFamily(file, headerFamily, seenFamilies)],
    chains,
    entryChains: filterTable ? { forward: 'FORWARD', input: 'INPUT' } : {},
    warnings,
    source: filterSource('iptables-save', file),
  };
}

/**
 * The dump's lines as tables ("*table" … "COMMIT") of chain declarations and tokenized rules, with the family the
 * header names and what the header warns of.
 */
function readTableBlocks(
  file: string,
  dump: string,
): { tables: TableBlock[]; headerFamily: AddressFamily | undefined; warnings: string[] } {
  const lines = dump.split(/\r?\n/);
  const tables: TableBlock[] = [];
  const warnings: string[] = [];
  let headerFamily: AddressFamily | undefined;
  let open: TableBlock | undefined;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      if (/Generated by ip6tables-save/.test(line)) headerFamily = 'ipv6';
      else if (/Generated by iptables-save/.test(line)) headerFamily ??= 'ipv4';
      if (/contains incompatible base-chains/.test(line)) {
        warnings.push(
          `line ${lineNo}: iptables-save says "${line.slice(1).trim()}": native nftables rules are loaded that this dump does not show; import \`nft -j list ruleset\` from this host as well`,
        );
      }
      return;
    }
    if (line.startsWith('*')) {
      if (open)
        throw new InputError(
          file,
          `table ${open.name} (line ${open.line}) has no COMMIT before the next table starts`,
          { line: lineNo },
        );
      const name = line.slice(1).trim();
      if (!/^[a-z]+$/.test(name))
        throw new InputError(file, `"${line}" is not a table header (expected e.g. *filter)`, { line: lineNo });
      if (tables.some((t) => t.name === name))
        throw new InputError(file, `table ${name} appears twice`, { line: lineNo });
      open = { name, line: lineNo, chains: new Map(), rules: [] };
      tables.push(open);
      return;
    }
    if (!open)
      throw new InputError(
        file,
        `"${clip(line)}" is outside a table: iptables-save output puts rules between "*table" and "COMMIT"`,
        { line: lineNo },
      );
    if (line === 'COMMIT') {
      open = undefined;
      return;
    }
    if (line.startsWith(':')) {
      const declared = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(line);
      if (!declared)
        throw new InputError(
          file,
          `"${clip(line)}" is not a chain declaration (expected ":CHAIN POLICY [packets:bytes]")`,
          { line: lineNo },
        );
      open.chains.set(declared[1]!, { policy: declared[2]!, line: lineNo });
      return;
    }
    const text = line.replace(COUNTERS, '');
    if (!/^(-A|--append)\s/.test(text)) {
      throw new InputError(file, `"${clip(line)}" is not a rule: iptables-save writes rules as "-A CHAIN …"`, {
        line: lineNo,
        column: raw.indexOf(text) + 1,
      });
    }
    const { tokens, unterminatedQuote } = tokenize(text);
    open.rules.push({ line: lineNo, text, tokens, unterminatedQuote });
  });
  if (open)
    throw new InputError(file, `table ${open.name} (line ${open.line}) ends without COMMIT`, { line: lines.length });
  return { tables, headerFamily, warnings };
}

/** One family per dump: the header's, else the first address's; an address of the other family is an error. */
function dumpFamily(
  file: string,
  headerFamily: AddressFamily | undefined,
  seenFamilies: { family: AddressFamily; line: number }[],
): AddressFamily {
  const family = headerFamily ?? seenFamilies[0]?.family ?? 'ipv4';
  const stranger = seenFamilies.find((seen) => seen.family !== family);
  if (stranger) {
    const dump = family === 'ipv6' ? 'an ip6tables-save (IPv6)' : 'an iptables-save (IPv4)';
    throw new InputError(file, `${stranger.family === 'ipv6' ? 'IPv6' : 'IPv4'} address in ${dump} dump`, {
      line: stranger.line,
    });
  }
  return family;
}

function readFilterChains(
  file: string,
  table: TableBlock,
  warnings: string[],
  seenFamilies: { family: AddressFamily; line: number }[],
): Chain[] {
  const chains = new Map<string, Chain>();
  for (const [name, { policy, line }] of table.chains) {
    if (BUILTIN_FILTER_CHAINS.has(name)) {
      if (policy !== 'ACCEPT' && policy !== 'DROP')
        throw new InputError(file, `built-in chain ${name} has policy "${policy}"; expected ACCEPT or DROP`, { line });
      chains.set(name, { name, policy: policy === 'ACCEPT' ? 'accept' : 'drop', rules: [] });
    } else {
      if (policy !== '-')
        throw new InputError(file, `user chain ${name} has policy "${policy}"; user chains have none ("-")`, { line });
      chains.set(name, { name, rules: [] });
    }
  }
  for (const ruleLine of table.rules) {
    const chainName = ruleLine.tokens[1];
    if (!chainName) throw new InputError(file, '-A without a chain name', { line: ruleLine.line });
    let chain = chains.get(chainName);
    if (!chain) {
      if (!BUILTIN_FILTER_CHAINS.has(chainName))
        throw new InputError(file, `rule for chain ${chainName}, which is not declared (":${chainName} - [0:0]")`, {
          line: ruleLine.line,
        });
      warnings.push(
        `line ${ruleLine.line}: built-in chain ${chainName} is not declared; read with the kernel's default policy ACCEPT`,
      );
      chain = { name: chainName, policy: 'accept', rules: [] };
      chains.set(chainName, chain);
    }
    chain.rules.push(readRule(file, ruleLine, chain.rules.length + 1, chains, warnings, seenFamilies));
  }
  return [...chains.values()];
}

function readRule(
  file: string,
  ruleLine: RuleLine,
  number: number,
  chains: Map<string, Chain>,
  warnings: string[],
  seenFamilies: { family: AddressFamily; line: number }[],
): FilterRule {
  const rule = new RuleReading(file, ruleLine.line, chains, warnings, seenFamilies);
  if (ruleLine.unterminatedQuote)
    rule.unknown(
      { text: ruleLine.text, why: 'unterminated quote: the rule was read word by word and may be misread' },
      true,
    );
  const { tokens } = ruleLine;
  let negate = false;
  for (let i = 2; i < tokens.length; i++) {
    if (tokens[i] === '!') {
      negate = true;
      continue;
    }
    i = readOption(rule, tokens, i, negate);
    negate = false;
  }
  return {
    number,
    text: ruleLine.text,
    locator: `line ${rule.line}`,
    ...(rule.label !== undefined ? { label: rule.label } : {}),
    match: rule.match,
    action: rule.action,
  };
}

/** One rule line as its options are read: the match so far, its label and target, and what could not be read. */
class RuleReading {
  readonly match: RuleMatch = { unknown: [] };
  label: string | undefined;
  action: RuleAction = { kind: 'continue', target: '(no target)' };

  constructor(
    readonly file: string,
    readonly line: number,
    readonly chains: Map<string, Chain>,
    private readonly warnings: string[],
    private readonly seenFamilies: { family: AddressFamily; line: number }[],
  ) {}

  unknown(item: UnknownMatch, surprising = false): void {
    this.match.unknown.push(item);
    this.warnings.push(
      `line ${this.line}: ${item.text}: ${item.why}${surprising ? '; the rule is kept with this part unknown' : ''}`,
    );
  }

  required(value: string | undefined, option: string): string {
    return required(this.file, value, option, this.line);
  }

  addresses(value: string | undefined, negate: boolean, option: string): AddressMatch {
    if (!value) throw new InputError(this.file, `${option} needs an address`, { line: this.line });
    const cidrs = value.split(',');
    this.seeFamilies(cidrs);
    return { cidrs, negate };
  }

  seeFamilies(cidrs: string[]): void {
    for (const cidr of cidrs) this.seenFamilies.push({ family: familyOf(this.file, cidr, this.line), line: this.line });
  }
}

/** Reads the option at `tokens[i]` into the rule; returns the index of the last token it used. */
function readOption(rule: RuleReading, tokens: string[], i: number, negate: boolean): number {
  const token = tokens[i]!;
  const value = tokens[i + 1];
  switch (token) {
    case '-p':
    case '--protocol': {
      const protocol = normalizeProtocol(rule.required(value, token));
      if (protocol !== undefined) rule.match.protocols = { values: [protocol], negate };
      return i + 1;
    }
    case '-s':
    case '--source':
    case '--src':
      rule.match.sources = rule.addresses(value, negate, token);
      return i + 1;
    case '-d':
    case '--destination':
    case '--dst':
      rule.match.destinations = rule.addresses(value, negate, token);
      return i + 1;
    case '-i':
    case '--in-interface':
      rule.match.inInterface = { name: rule.required(value, token), negate };
      return i + 1;
    case '-o':
    case '--out-interface':
      rule.match.outInterface = { name: rule.required(value, token), negate };
      return i + 1;
    case '-m':
    case '--match':
      rule.required(value, token);
      return i + 1;
    case '--dport':
    case '--destination-port':
    case '--dports':
    case '--destination-ports':
    case '--sport':
    case '--source-port':
    case '--sports':
    case '--source-ports':
      readPortOption(rule, token, rule.required(value, token), negate);
      return i + 1;
    case '--ctstate':
    case '--state':
      rule.match.states = { values: rule.required(value, token).toUpperCase().split(','), negate };
      return i + 1;
    case '--comment':
      rule.label = value;
      return i + 1;
    case '--src-range':
    case '--dst-range':
      readRangeOption(rule, token, rule.required(value, token), negate);
      return i + 1;
    case '-j':
    case '--jump':
    case '-g':
    case '--goto':
      rule.action = readTarget(
        rule.file,
        rule.required(value, token),
        token === '-g' || token === '--goto',
        rule.chains,
        rule.line,
      );
      return tokens.length;
    case '-c':
    case '--set-counters':
      return i + 2;
    case '-4':
    case '-6':
      return i;
    default:
      return readUnmodelledOption(rule, tokens, i, negate);
  }
}

function readPortOption(rule: RuleReading, token: string, value: string, negate: boolean): void {
  const ports = readPorts(rule.file, value, negate, rule.line);
  if ('why' in ports) rule.unknown({ text: `${negate ? '! ' : ''}${token} ${value}`, why: ports.why });
  else if (/^--(dport|destination-port)/.test(token)) rule.match.destinationPorts = ports;
  else rule.match.sourcePorts = ports;
}

/** `-m iprange --src-range a-b`: the range as CIDRs, unless the rule already has an address list on that side. */
function readRangeOption(rule: RuleReading, token: string, value: string, negate: boolean): void {
  const [from, to] = value.split('-');
  let cidrs: string[];
  try {
    cidrs = rangeToCidrs(from ?? '', to ?? from ?? '');
  } catch (error) {
    throw new InputError(rule.file, `${token} ${value}: ${(error as Error).message}`, { line: rule.line });
  }
  rule.seeFamilies(cidrs);
  const side = token === '--src-range' ? 'sources' : 'destinations';
  if (rule.match[side])
    rule.unknown({
      text: `${negate ? '! ' : ''}${token} ${value}`,
      why: `combined with another ${side === 'sources' ? 'source' : 'destination'} match, which one address list cannot say`,
    });
  else rule.match[side] = { cidrs, negate };
}

/** An option the model does not read, with its arguments: kept as an unknown part of the rule, saying why. */
function readUnmodelledOption(rule: RuleReading, tokens: string[], i: number, negate: boolean): number {
  const token = tokens[i]!;
  const args: string[] = [];
  while (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-') && tokens[i + 1] !== '!') args.push(tokens[++i]!);
  const text = `${negate ? '! ' : ''}${[token, ...args].join(' ')}`;
  if (!token.startsWith('-')) rule.unknown({ text, why: 'unexpected word in the rule' }, true);
  else if (token === '--match-set')
    rule.unknown({ text, why: UNMODELLED_WHY[token]!, ref: { kind: 'ipset', id: args[0] ?? '' } });
  else if (UNMODELLED_WHY[token]) rule.unknown({ text, why: UNMODELLED_WHY[token] });
  else if (RECENT_OPTIONS.includes(token)) rule.unknown({ text, why: 'recent: depends on packets seen earlier' });
  else rule.unknown({ text, why: `option ${token} is not understood` }, true);
  return i;
}

function readTarget(
  file: string,
  target: string,
  isGoto: boolean,
  chains: Map<string, Chain>,
  line: number,
): RuleAction {
  const userChain = chains.has(target) && !BUILTIN_FILTER_CHAINS.has(target);
  if (isGoto) {
    if (!userChain)
      throw new InputError(file, `-g ${target}: goto needs a user chain declared in this table`, { line });
    return { kind: 'goto', chain: target };
  }
  if (userChain) return { kind: 'jump', chain: target };
  const terminal = TERMINAL_TARGETS[target];
  if (terminal) return terminal;
  if (NON_TERMINAL_TARGETS.has(target)) return { kind: 'continue', target };
  return { kind: 'unknown', target };
}

/** `a`, `a:b`, `:b`, `a:` and comma lists of those (multiport). Service names are left unknown, not guessed. */
function readPorts(file: string, text: string, negate: boolean, line: number): PortMatch | { why: string } {
  const ranges = [];
  for (const part of text.split(',')) {
    const range = /^(\d*)(?::(\d*))?$/.exec(part);
    if (!range || (range[1] === '' && range[2] === undefined))
      return { why: `"${part}" is not a port number (iptables-save prints numbers)` };
    const from = range[1] === '' ? 0 : Number(range[1]);
    const to = range[2] === undefined ? from : range[2] === '' ? 65535 : Number(range[2]);
    if (from > 65535 || to > 65535) throw new InputError(file, `port ${part} is outside 0-65535`, { line });
    ranges.push(from <= to ? { from, to } : { from: to, to: from });
  }
  return { ranges, negate };
}

function otherTableWarnings(table: TableBlock): string[] {
  const warnings: string[] = [];
  const drops: string[] = [];
  for (const [name, { policy, line }] of table.chains)
    if (policy === 'DROP') drops.push(`policy DROP on ${name} (line ${line})`);
  for (const rule of table.rules) {
    const jump = rule.tokens.findIndex((t) => t === '-j' || t === '--jump');
    const target = jump >= 0 ? rule.tokens[jump + 1] : undefined;
    if (target === 'DROP' || target === 'REJECT') drops.push(`${target} at line ${rule.line}`);
    if (target && DESTINATION_REWRITES.has(target)) {
      warnings.push(
        `line ${rule.line}: table ${table.name} rewrites destinations before the filter table sees the packet (${rule.text}); FORWARD and INPUT rules match the translated address and port, and NAT is not modelled`,
      );
    }
  }
  if (drops.length)
    warnings.push(
      `table ${table.name} drops packets (${drops.join(', ')}); only the filter table is read, so what is reachable may be overstated`,
    );
  return warnings;
}

/** Splits a rule the way iptables-restore does: whitespace, with double quotes (and \" inside them) kept together. */
function tokenize(text: string): { tokens: string[]; unterminatedQuote: boolean } {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let token = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      if (text[i] !== '"') {
        token += text[i++];
        continue;
      }
      const close = closingQuote(text, i + 1);
      if (close < 0) {
        // read the rest word by word so the target after a broken comment is still seen
        tokens.push(...(token + text.slice(i + 1)).split(/\s+/).filter(Boolean));
        return { tokens, unterminatedQuote: true };
      }
      token += text.slice(i + 1, close).replace(/\\(["\\])/g, '$1');
      i = close + 1;
    }
    tokens.push(token);
  }
  return { tokens, unterminatedQuote: false };
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function familyOf(file: string, cidr: string, line: number): AddressFamily {
  try {
    return addressFamily(cidr);
  } catch (error) {
    throw new InputError(file, (error as Error).message, { line });
  }
}

function required(file: string, value: string | undefined, option: string, line: number): string {
  if (value === undefined) throw new InputError(file, `${option} needs a value`, { line });
  return value;
}

function clip(text: string): string {
  return text.length > 60 ? text.slice(0, 60) + '…' : text;
}
