/**
 * Folds what several sources and imports say about the same host into one current asset. Pure: the store keeps
 * the views (the event log keeps their history) and calls this to refresh its current view.
 *
 * Same host: same id, else same name or hostname (case-insensitive; a short name equals an FQDN that starts with
 * it), else a shared address. A newer import of the same format replaces what the older one said about the host;
 * the inventory of record (CMDB) decides criticality, environment, ownership, patching and retirement; the OS is
 * the best candidate across sources: inventory/agent > SMB answer > service CPE > fingerprint ≥ 90 %.
 */
import { cpeParts } from './cpe';
import type {
  Asset,
  AssetConflict,
  InstalledSoftware,
  InventoryBatch,
  OsIdentity,
  OsMethod,
  SoftwareInventory,
} from './model';

const METHOD_WEIGHT: Record<OsMethod, number> = { inventory: 4, smb: 3, service: 2, fingerprint: 1, cloud: 0 };
/** Fingerprint guesses below this accuracy are kept as candidates but never preferred. */
export const FINGERPRINT_MIN_ACCURACY = 90;
const RECORD_FORMATS = new Set(['servicenow-cmdb']);

/** An asset with nothing known but what is given: the shape every parser starts from. */
export function newAsset(fields: Pick<Asset, 'id' | 'name' | 'sources'> & Partial<Asset>): Asset {
  return {
    addresses: [],
    hostnames: [],
    osCandidates: [],
    services: [],
    installedFixes: [],
    software: [],
    softwareInventories: [],
    criticality: 'unknown',
    environment: 'unknown',
    patchedBy: 'self',
    tags: [],
    retired: false,
    securityGroupIds: [],
    conflicts: [],
    ...fields,
  };
}

/** A batch's assets plus one view per host named only by a fix list, so a fix is never silently dropped. */
export function viewsOfBatch(batch: InventoryBatch): Asset[] {
  const byHost = new Map<string, Asset>();
  for (const fix of batch.fixes) {
    const key = fix.host.toLowerCase();
    const view =
      byHost.get(key) ?? newAsset({ id: fix.host, name: fix.host, hostnames: [fix.host], sources: [fix.source] });
    view.installedFixes.push({
      id: fix.id,
      ...(fix.installedOn ? { installedOn: fix.installedOn } : {}),
      source: fix.source,
    });
    byHost.set(key, view);
  }
  return [...batch.assets, ...byHost.values()];
}

/**
 * Views in import order (oldest first) → current assets, in order of first appearance. Views of one host (see
 * sameHost) are grouped through an index of their ids, addresses and names, so a large inventory costs about one
 * lookup per view rather than a comparison with every view before it.
 */
export function mergeAssetViews(views: Asset[]): Asset[] {
  return groupHostViews(views).map(mergeHostViews);
}

/** The views of each host, hosts in order of first appearance, each host's views oldest first. */
export function groupHostViews(views: Asset[]): Asset[][] {
  const groups: { views: Asset[]; position: number }[] = [];
  const parent: number[] = [];
  const find = (group: number): number => {
    let root = group;
    while (parent[root] !== root) root = parent[root]!;
    for (let at = group; parent[at] !== root;) [at, parent[at]] = [parent[at]!, root];
    return root;
  };
  const index = new Map<string, number[]>();
  for (const view of views) {
    const matching = [...new Set(hostKeys(view, 'lookup').flatMap((key) => (index.get(key) ?? []).map(find)))].sort(
      (a, b) => groups[a]!.position - groups[b]!.position,
    );
    let target: number;
    if (!matching.length) {
      target = groups.length;
      groups.push({ views: [view], position: target });
      parent.push(target);
    } else {
      // a view can join groups that were separate until now (a scan naming the host that a CMDB row has the address of)
      target = matching[0]!;
      const group = groups[target]!;
      const last = group.views[group.views.length - 1];
      if (matching.length === 1 && (!last || seqOf(last) <= seqOf(view))) group.views.push(view);
      else {
        group.views = [...matching.flatMap((g) => groups[g]!.views), view].sort((a, b) => seqOf(a) - seqOf(b));
        for (const other of matching.slice(1)) {
          parent[other] = target;
          groups[other]!.views = [];
        }
      }
    }
    for (const key of hostKeys(view, 'store')) {
      const list = index.get(key);
      if (!list) index.set(key, [target]);
      else if (find(list[list.length - 1]!) !== target) list.push(target);
    }
  }
  return groups
    .filter((group, i) => find(i) === i && group.views.length)
    .sort((a, b) => a.position - b.position)
    .map((group) => group.views);
}

/**
 * The index keys of a view, such that two views share a lookup/store key pair exactly when sameHost holds: the
 * same id, a shared address, an equal name, or a short name and an FQDN that starts with it (two FQDNs with the
 * same first label do not match, so the FQDN side stores its first label under a key only short names look up).
 */
function hostKeys(view: Asset, use: 'lookup' | 'store'): string[] {
  const keys = [`id:${view.id.toLowerCase()}`, ...view.addresses.map((address) => `address:${address}`)];
  for (const raw of [view.name, ...view.hostnames]) {
    const name = raw.toLowerCase().replace(/\.$/, '');
    if (!name || isAddress(name)) continue;
    keys.push(`name:${name}`);
    if (name.includes('.'))
      keys.push(use === 'store' ? `fqdn-first:${name.split('.')[0]}` : `short:${name.split('.')[0]}`);
    else keys.push(use === 'store' ? `short:${name}` : `fqdn-first:${name}`);
  }
  return keys;
}

export function sameHost(a: Asset, b: Asset): boolean {
  if (a.id.toLowerCase() === b.id.toLowerCase()) return true;
  const namesA = [a.name, ...a.hostnames];
  const namesB = [b.name, ...b.hostnames];
  if (namesA.some((x) => namesB.some((y) => sameName(x, y)))) return true;
  return a.addresses.some((address) => b.addresses.includes(address));
}

function sameName(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  if (!x || !y || isAddress(x) || isAddress(y)) return false;
  if (x === y) return true;
  // a short name equals an FQDN starting with it; two different FQDNs are different hosts
  return (!x.includes('.') && y.startsWith(x + '.')) || (!y.includes('.') && x.startsWith(y + '.'));
}

/** A scanner's PTR name shown as the host name people use ("printsrv", not "printsrv.corp.example"); merging still uses the FQDN. */
function displayName(name: string): string {
  return isAddress(name.toLowerCase()) ? name : name.split('.')[0]!;
}

function isAddress(text: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(text) || text.includes(':');
}

/** One host's views, oldest first → the current asset. */
export function mergeHostViews(views: Asset[]): Asset {
  const current = latestPerFormat(views);
  const record = [...current].reverse().find((v) => RECORD_FORMATS.has(v.sources[0]?.format ?? ''));
  const cloud = [...current].reverse().find((v) => formatOf(v) === 'aws-instances');
  const named = record ?? cloud ?? current[current.length - 1]!;
  // the CMDB record decides patching; a cloud tag mapped in rules/providers.json speaks when the record does not
  const patching = record?.patchedBy === 'provider' || !cloud || cloud.patchedBy !== 'provider' ? record : cloud;
  const osCandidates = current.flatMap((v) => v.osCandidates);
  const preferred = preferredOs(osCandidates);
  const latestWith = <T>(pick: (v: Asset) => T | undefined): T | undefined => {
    for (const view of [...current].reverse()) {
      const value = pick(view);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const asset: Asset = {
    id: (record ?? cloud ?? current[0]!).id,
    name: record || cloud ? named.name : displayName(named.name),
    addresses: unique(current.flatMap((v) => v.addresses)),
    hostnames: unique(current.flatMap((v) => [v.name, ...v.hostnames]).filter((n) => n && !isAddress(n.toLowerCase()))),
    osCandidates,
    services: mergeServices(current),
    installedFixes: uniqueBy(
      views.flatMap((v) => v.installedFixes),
      (f) => f.id,
    ),
    ...mergeSoftware(views),
    criticality:
      record?.criticality ?? latestWith((v) => (v.criticality === 'unknown' ? undefined : v.criticality)) ?? 'unknown',
    environment:
      record?.environment ?? latestWith((v) => (v.environment === 'unknown' ? undefined : v.environment)) ?? 'unknown',
    patchedBy: patching?.patchedBy ?? 'self',
    tags: unique(current.flatMap((v) => v.tags)),
    retired: record?.retired ?? false,
    securityGroupIds: cloud?.securityGroupIds ?? [],
    conflicts: [
      ...uniqueBy(
        current.flatMap((v) => v.conflicts),
        (c) => `${c.field}|${c.note}`,
      ),
      ...osConflicts(osCandidates, preferred),
    ],
    sources: uniqueBy(
      views.flatMap((v) => v.sources),
      (s) => `${s.format}|${s.document}|${s.eventSeq ?? ''}`,
    ),
  };
  if (preferred) asset.os = preferred;
  const owner = record?.owner ?? latestWith((v) => v.owner);
  if (owner) asset.owner = owner;
  if (patching?.provider) asset.provider = patching.provider;
  if (patching?.patchSlaDays !== undefined) asset.patchSlaDays = patching.patchSlaDays;
  const cluster = record?.cluster ?? latestWith((v) => v.cluster);
  if (cluster) asset.cluster = cluster;
  return asset;
}

/** Only the newest view of each source format counts: a newer scan or export replaces the older one's statements. */
function latestPerFormat(views: Asset[]): Asset[] {
  const latest = new Map<string, Asset>();
  for (const view of views) latest.set(formatOf(view), view);
  return views.filter((view) => latest.get(formatOf(view)) === view || isFixOnly(view));
}

function seqOf(view: Asset): number {
  return view.sources[0]?.eventSeq ?? 0;
}

function formatOf(view: Asset): string {
  return view.sources[0]?.format ?? 'unknown';
}

function isFixOnly(view: Asset): boolean {
  return view.installedFixes.length > 0 && view.osCandidates.length === 0 && view.services.length === 0;
}

/**
 * Software per inventory: the newest view of each (format, inventory kind, subject) replaces the older ones, so a
 * fresh `rpm_packages` result replaces yesterday's without touching the host's npm packages or its SBOM.
 */
function mergeSoftware(views: Asset[]): Pick<Asset, 'software' | 'softwareInventories'> {
  const latest = new Map<string, { view: Asset; inventory: SoftwareInventory }>();
  for (const view of views)
    for (const inventory of view.softwareInventories ?? [])
      latest.set(`${formatOf(view)}|${inventory.kind}|${inventory.subject ?? ''}`, { view, inventory });
  const software: InstalledSoftware[] = [];
  const softwareInventories: SoftwareInventory[] = [];
  for (const { view, inventory } of latest.values()) {
    softwareInventories.push(inventory);
    software.push(...(view.software ?? []).filter((item) => item.inventory === inventory.kind));
  }
  return { software, softwareInventories };
}

function mergeServices(views: Asset[]): Asset['services'] {
  const byPort = new Map<string, Asset['services'][number]>();
  for (const service of views.flatMap((v) => v.services)) byPort.set(`${service.protocol}/${service.port}`, service);
  return [...byPort.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

/** The candidate patchcall believes: by source method, then confidence, then the newest. */
export function preferredOs(candidates: OsIdentity[]): OsIdentity | undefined {
  let best: OsIdentity | undefined;
  for (const c of candidates) {
    if ((c.method ?? 'fingerprint') === 'fingerprint' && c.confidence < FINGERPRINT_MIN_ACCURACY) continue;
    if (
      !best ||
      rank(c) > rank(best) ||
      (rank(c) === rank(best) && (c.source.eventSeq ?? 0) > (best.source.eventSeq ?? 0))
    )
      best = c;
  }
  return best;
}

function rank(c: OsIdentity): number {
  return METHOD_WEIGHT[c.method ?? 'fingerprint'] * 1000 + c.confidence;
}

/**
 * Sources that disagree about the OS family (Windows vs Linux) or, for Windows, about the product: the best
 * candidate of each method is compared with the preferred one. Kept and shown, never silently resolved.
 */
export function osConflicts(candidates: OsIdentity[], preferred = preferredOs(candidates)): AssetConflict[] {
  if (!preferred?.cpe) return [];
  const best = new Map<string, OsIdentity>();
  for (const c of candidates) {
    if (
      !c.cpe ||
      cpeParts(c.cpe)?.[0] !== 'o' ||
      ((c.method ?? 'fingerprint') === 'fingerprint' && c.confidence < FINGERPRINT_MIN_ACCURACY)
    )
      continue;
    const key = `${c.method ?? 'fingerprint'}|${c.source.format}`;
    const held = best.get(key);
    if (!held || c.confidence > held.confidence) best.set(key, c);
  }
  const disagreeing = [...best.values()].filter((c) => c !== preferred && !sameOs(c.cpe!, preferred.cpe!));
  if (!disagreeing.length) return [];
  return [
    {
      field: 'os',
      values: [preferred, ...disagreeing].map((c) => ({
        value: `${c.raw}${c.cpe ? ` (${c.cpe})` : ''}`,
        source: c.source,
      })),
      note: `sources disagree about the OS; preferring ${describeMethod(preferred)} "${preferred.raw}" over ${disagreeing.map((c) => `${describeMethod(c)} "${c.raw}"`).join(', ')}`,
    },
  ];
}

/** Same OS as far as the sources can tell: same family, and for Windows the same product unless one only says "windows". */
function sameOs(a: string, b: string): boolean {
  const [x, y] = [cpeParts(a)!, cpeParts(b)!];
  if (osFamily(x) !== osFamily(y)) return false;
  if (osFamily(x) !== 'windows' || x[2] === 'windows' || y[2] === 'windows') return true;
  return x[2] === y[2] && (x[3] === 'r2') === (y[3] === 'r2');
}

function osFamily(parts: string[]): string {
  const vendor = parts[1]!;
  if (vendor === 'microsoft') return 'windows';
  if (['linux', 'debian', 'redhat', 'canonical', 'centos', 'suse', 'fedoraproject'].includes(vendor)) return 'linux';
  return vendor;
}

function describeMethod(c: OsIdentity): string {
  const method = c.method ?? 'fingerprint';
  const label = {
    inventory: 'the inventory record',
    smb: 'the SMB answer',
    service: 'a service banner',
    fingerprint: `the ${c.confidence} % fingerprint`,
    cloud: 'cloud metadata',
  }[method];
  return `${label} (${c.source.format}: ${c.source.document})`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const value of values) if (!seen.has(key(value))) seen.set(key(value), value);
  return [...seen.values()];
}
