/**
 * nmap XML (`-oX`, xmloutputversion 1.03 to 1.05). One asset per host that is up: addresses, hostnames, ports keyed
 * by port and protocol, and every OS statement as a candidate (smb-os-discovery, service CPEs, osmatch with its
 * accuracy); Samba answering SMB as "Windows 6.1" is recorded as Samba with a conflict, not as Windows.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { toCpe23 } from '../cpe';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { Asset, InstalledSoftware, InventoryBatch, ObservedService, OsIdentity, PortState } from '../model';
import type { NameTable } from '../name-table';
import { normalizeOs } from '../normalize-os';

type Node = Record<string, unknown>;

const LISTS = new Set([
  'host',
  'address',
  'hostname',
  'port',
  'extraports',
  'osmatch',
  'osclass',
  'cpe',
  'script',
  'elem',
  'table',
]);
const PORT_STATES = new Set<PortState>([
  'open',
  'closed',
  'filtered',
  'open|filtered',
  'closed|filtered',
  'unfiltered',
]);
/** Confidence given to SMB's own answer and to a service's OS CPE (nmap's conf is 0-10 for services). */
const SMB_CONFIDENCE = 95;

/** `names` (the rules folder's rules/names) turns OS names without a CPE into CPEs as the scan is read. */
export function createNmapFormat(names: NameTable): FormatHandler<InventoryBatch> {
  return {
    format: 'nmap',
    description: 'nmap XML scan (nmap -oX)',
    detect: (doc) => doc.xmlRoot === 'nmaprun',
    parse: (doc) => parseNmap(doc, names),
  };
}

function parseNmap(doc: SniffedDocument, names: NameTable): InventoryBatch {
  const valid = XMLValidator.validate(doc.text);
  if (valid !== true)
    throw new InputError(doc.name, `malformed XML: ${valid.err.msg}`, { line: valid.err.line, column: valid.err.col });
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => LISTS.has(name),
  });
  const root = (parser.parse(doc.text) as Node).nmaprun as Node | undefined;
  if (!root || typeof root !== 'object') throw new InputError(doc.name, 'not an nmap scan: no <nmaprun> element');
  const start = Number(attr(root, 'start'));
  const scannedAt = Number.isFinite(start) && start > 0 ? new Date(start * 1000).toISOString() : undefined;
  const hosts = list(root.host);
  const assets: Asset[] = [];
  hosts.forEach((host, i) => {
    if (attr(child(host, 'status'), 'state') !== 'up') return;
    const asset = hostToAsset(host, doc.name, `/nmaprun/host[${i + 1}]`, scannedAt, names);
    if (asset) assets.push(asset);
  });
  return { kind: 'inventory', assets, fixes: [] };
}

function hostToAsset(
  host: Node,
  file: string,
  path: string,
  seenAt: string | undefined,
  nameTable: NameTable,
): Asset | undefined {
  const source = inventorySource('nmap', file, path);
  const addresses = list(host.address)
    .filter((a) => attr(a, 'addrtype') === 'ipv4' || attr(a, 'addrtype') === 'ipv6')
    .map((a) => attr(a, 'addr')!)
    .filter(Boolean);
  if (!addresses.length) return undefined;
  const names = list(child(host, 'hostnames')?.hostname)
    .sort((a, b) => (attr(a, 'type') === 'user' ? -1 : 0) - (attr(b, 'type') === 'user' ? -1 : 0))
    .map((h) => attr(h, 'name')!)
    .filter(Boolean);
  const services = readServices(host, source, seenAt);
  const smb = readSmbOs(host, source, nameTable);
  const osCandidates = [
    ...(smb?.candidate ? [smb.candidate] : []),
    ...serviceOs(host, source),
    ...fingerprintOs(host, source, nameTable),
  ];
  const software = serviceSoftware(host, source);
  const asset = newAsset({
    id: addresses[0]!,
    name: names[0] ?? smb?.computerName ?? addresses[0]!,
    addresses,
    hostnames: [...new Set([...names, ...(smb?.computerName ? [smb.computerName] : [])])],
    osCandidates,
    services,
    software,
    softwareInventories: [
      {
        kind: 'service-scan',
        complete: false,
        completeBecause:
          'service banners from a scan are evidence of what listens, never a complete software inventory',
        ...(seenAt ? { takenAt: seenAt } : {}),
        source,
      },
    ],
    conflicts: smb?.conflict ? [smb.conflict] : [],
    sources: [source],
  });
  return asset;
}

/**
 * `-sV` products on open ports as installed software (evidence): the product and version nmap read from the
 * banner, with the application CPE nmap attached (`<cpe>cpe:/a:…</cpe>`, converted to CPE 2.3).
 */
function serviceSoftware(host: Node, source: Asset['sources'][number]): InstalledSoftware[] {
  return list(child(host, 'ports')?.port).flatMap((port): InstalledSoftware[] => {
    const service = child(port, 'service');
    const product = attr(service, 'product');
    if (!product || attr(child(port, 'state'), 'state') !== 'open') return [];
    const version = attr(service, 'version');
    const cpe = list(service?.cpe)
      .map(text)
      .find((c) => c.startsWith('cpe:/a:'));
    const cpe23 = cpe ? toCpe23(cpe) : undefined;
    return [
      {
        name: decode(product),
        ...(version ? { version: decode(version) } : {}),
        ...(cpe23 ? { cpe: cpe23 } : {}),
        kind: 'service',
        location: `${attr(port, 'protocol')}/${attr(port, 'portid')}`,
        inventory: 'service-scan',
        source: { ...source, locator: `${source.locator}/ports/port[@portid=${attr(port, 'portid')}]/service` },
      },
    ];
  });
}

function readServices(host: Node, source: Asset['sources'][number], seenAt: string | undefined): ObservedService[] {
  return list(child(host, 'ports')?.port).map((port) => {
    const protocol = attr(port, 'protocol') as ObservedService['protocol'];
    const state = attr(child(port, 'state'), 'state') as PortState;
    const service = child(port, 'service');
    const observed: ObservedService = {
      protocol,
      port: Number(attr(port, 'portid')),
      state: PORT_STATES.has(state) ? state : 'filtered',
      source: { ...source, locator: `${source.locator}/ports/port[@portid=${attr(port, 'portid')}]` },
    };
    for (const key of ['name', 'product', 'version'] as const) {
      const value = attr(service, key);
      if (value) observed[key] = decode(value);
    }
    if (seenAt) observed.seenAt = seenAt;
    return observed;
  });
}

interface SmbReading {
  candidate?: OsIdentity;
  computerName?: string;
  conflict?: Asset['conflicts'][number];
}

/** smb-os-discovery (host script) or smb2 OS output: the exact build and service pack, unless Samba is answering. */
function readSmbOs(host: Node, source: Asset['sources'][number], names: NameTable): SmbReading | undefined {
  const script = list(child(host, 'hostscript')?.script).find((s) => /^smb2?-os-discovery$/.test(attr(s, 'id') ?? ''));
  if (!script) return undefined;
  const output = decode(attr(script, 'output') ?? '');
  const elems = Object.fromEntries(list(script.elem).map((e) => [attr(e, 'key') ?? '', clean(text(e))]));
  const osLine = /^\s*OS:\s*(.+)$/m.exec(output)?.[1]?.trim();
  const cpeLine = /^\s*OS CPE:\s*(\S+)/m.exec(output)?.[1];
  const lanmanager = elems.lanmanager ?? /\(([^()]*)\)\s*$/.exec(osLine ?? '')?.[1] ?? '';
  const computerName = clean(elems.server ?? /NetBIOS computer name:\s*(\S+)/.exec(output)?.[1] ?? '') || undefined;
  const at = { ...source, locator: `${source.locator}/hostscript/script[@id=${attr(script, 'id')}]` };
  const reading: SmbReading = computerName ? { computerName } : {};
  const claimed = elems.os || osLine || '';
  if (/samba/i.test(lanmanager) || /samba/i.test(osLine ?? '')) {
    const version = /samba\s+([\d.]+)/i.exec(lanmanager)?.[1];
    reading.candidate = {
      raw: `${lanmanager || 'Samba'} (answers SMB as "${claimed}")`,
      cpe: `cpe:2.3:a:samba:samba:${version ?? '*'}:*:*:*:*:*:*:*`,
      confidence: SMB_CONFIDENCE,
      method: 'smb',
      note: 'Samba reports a Windows NT version over SMB; the host is not Windows',
      source: at,
    };
    reading.conflict = {
      field: 'os',
      values: [
        { value: claimed, source: at },
        { value: lanmanager || 'Samba', source: at },
      ],
      note: `SMB answers "${claimed}" but the server is ${lanmanager || 'Samba'}: Samba imitating Windows, not Windows`,
    };
    return reading;
  }
  if (!claimed) return reading;
  const raw = osLine ?? claimed;
  const normalized = cpeLine ? { cpe: toCpe23(cpeLine) } : normalizeOs(names, raw.replace(/\s*\([^)]*\)\s*$/, ''));
  reading.candidate = { raw, ...normalized, confidence: SMB_CONFIDENCE, method: 'smb', source: at };
  return reading;
}

/** OS CPEs that version detection attached to services (`cpe:/o:…` inside <service>). */
function serviceOs(host: Node, source: Asset['sources'][number]): OsIdentity[] {
  return list(child(host, 'ports')?.port).flatMap((port) => {
    const service = child(port, 'service');
    const cpe = list(service?.cpe)
      .map(text)
      .find((c) => c.startsWith('cpe:/o:'));
    if (!cpe) return [];
    const conf = Number(attr(service, 'conf') ?? '0');
    return [
      {
        raw: cpe,
        cpe: toCpe23(cpe)!,
        confidence: Math.min(100, conf * 10),
        method: 'service' as const,
        source: { ...source, locator: `${source.locator}/ports/port[@portid=${attr(port, 'portid')}]/service` },
      },
    ];
  });
}

/**
 * osmatch candidates, one per OS CPE of its osclasses (≥1.04: "Vista SP0 or SP1, Server 2008 SP1, or Windows 7" is
 * three candidates), else one through the OS table from the name (1.03 has no CPEs).
 */
function fingerprintOs(host: Node, source: Asset['sources'][number], names: NameTable): OsIdentity[] {
  const os = child(host, 'os');
  return list(os?.osmatch).flatMap((match, i) => {
    const name = attr(match, 'name') ?? '';
    const fromClasses = [
      ...new Set(
        list(match.osclass)
          .flatMap((c) => list(c.cpe).map(text))
          .filter((c) => c.startsWith('cpe:/o:')),
      ),
    ];
    const named = fromClasses.length ? undefined : normalizeOs(names, name);
    const cpes = named ? [named.cpe] : fromClasses.map((c) => toCpe23(c));
    const confidence = Number(attr(match, 'accuracy') ?? '0');
    const at = { ...source, locator: `${source.locator}/os/osmatch[${i + 1}]` };
    return cpes.map((cpe): OsIdentity => ({
      raw: name,
      ...(cpe ? { cpe } : {}),
      ...(named ? { named: named.named } : {}),
      confidence,
      method: 'fingerprint',
      source: at,
    }));
  });
}

function list(value: unknown): Node[] {
  if (value === undefined || value === null || value === '') return [];
  // an element with text only arrives as a string, one with attributes as an object
  return (Array.isArray(value) ? value : [value]).flatMap((v): Node[] =>
    typeof v === 'string' ? [{ '#text': v }] : v && typeof v === 'object' ? [v as Node] : [],
  );
}

function child(node: Node | undefined, name: string): Node | undefined {
  const value = node?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === 'object' ? (first as Node) : undefined;
}

function attr(node: Node | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function text(node: Node): string {
  const value = node['#text'];
  return typeof value === 'string' ? decode(value) : '';
}

/** Entities are not expanded by the parser (processEntities: false); the five XML ones and numeric references are safe to decode here. */
function decode(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** NetBIOS names arrive padded with a literal "\x00". */
function clean(value: string): string {
  return value.replace(/\\x00/g, '').trim();
}
