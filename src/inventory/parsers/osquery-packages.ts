/**
 * osquery software tables as JSON: `programs` (Windows), `deb_packages`, `rpm_packages`, `npm_packages`,
 * `python_packages` and `chocolatey_packages`. Accepted as `osqueryi --json "select * from <table>"` (an array of
 * rows, all values strings) or as results-log entries (`{name, hostIdentifier, columns}` per row, or
 * `{name, hostIdentifier, snapshot: [...]}`), saved as one JSON array or object.
 *
 * The table is recognised from the rows' columns (or the scheduled query's name). A package-manager table is the
 * whole of its own package manager on the host, so each becomes a complete inventory of that kind (`rpm`, `deb`,
 * `npm`, `pypi`, `chocolatey`, `windows-programs`). The host: the results log's `hostIdentifier`, else `--asset`
 * (osqueryi output names no host).
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import { readIsoDate } from '../../common/dates';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { Asset, InstalledSoftware, InventoryBatch, PackageManager, SoftwareInventoryKind } from '../model';
import { kindOfManager } from '../software';

type Row = Record<string, unknown>;

interface TableShape {
  table: string;
  kind: SoftwareInventoryKind;
  manager: PackageManager;
  /** Columns that only this table has (the first row is tested). */
  signature: (row: Row) => boolean;
}

const TABLES: TableShape[] = [
  { table: 'rpm_packages', kind: 'rpm', manager: 'rpm', signature: (r) => 'release' in r && 'epoch' in r },
  {
    table: 'deb_packages',
    kind: 'deb',
    manager: 'deb',
    signature: (r) => 'revision' in r && 'arch' in r && 'source' in r,
  },
  {
    table: 'chocolatey_packages',
    kind: 'chocolatey',
    manager: 'chocolatey',
    signature: (r) => 'summary' in r && 'author' in r && 'license' in r && !('directory' in r),
  },
  {
    table: 'npm_packages',
    kind: 'npm',
    manager: 'npm',
    signature: (r) => 'homepage' in r && 'directory' in r && !('summary' in r),
  },
  { table: 'python_packages', kind: 'pypi', manager: 'pypi', signature: (r) => 'summary' in r && 'directory' in r },
  {
    table: 'programs',
    kind: 'windows-programs',
    manager: 'windows-programs',
    signature: (r) => 'publisher' in r && 'install_location' in r && 'identifying_number' in r,
  },
];

interface LocatedRow {
  row: Row;
  host?: string;
  query?: string;
  at: string;
  time?: string;
}

export const osqueryPackagesFormat: FormatHandler<InventoryBatch> = {
  format: 'osquery-packages',
  description:
    'osquery software tables: programs, deb/rpm/npm/python/chocolatey_packages (osqueryi --json or results log)',
  detect: (doc) => {
    const first = rowsOf(doc.json)[0];
    return !!first && !!tableOf(first);
  },
  parse: parseOsqueryPackages,
};

function rowsOf(json: unknown): LocatedRow[] {
  const entries = Array.isArray(json) ? json : json && typeof json === 'object' ? [json] : [];
  return entries.flatMap((entry, i): LocatedRow[] => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return [];
    const e = entry as Row;
    const base = Array.isArray(json) ? pointer(i) : '';
    const host = typeof e.hostIdentifier === 'string' && e.hostIdentifier.trim() ? e.hostIdentifier.trim() : undefined;
    const query = typeof e.name === 'string' && ('columns' in e || 'snapshot' in e) ? e.name : undefined;
    const unix = Number(e.unixTime);
    const time = Number.isFinite(unix) && unix > 0 ? new Date(unix * 1000).toISOString() : undefined;
    const meta = { ...(host ? { host } : {}), ...(query ? { query } : {}), ...(time ? { time } : {}) };
    if (e.columns && typeof e.columns === 'object') return [{ row: e.columns as Row, ...meta, at: `${base}/columns` }];
    if (Array.isArray(e.snapshot))
      return e.snapshot.map((row, j) => ({ row: row as Row, ...meta, at: `${base}/snapshot/${j}` }));
    return [{ row: e, at: base }];
  });
}

function tableOf(located: LocatedRow): TableShape | undefined {
  const byQuery = located.query ? TABLES.find((t) => located.query!.includes(t.table)) : undefined;
  return byQuery ?? TABLES.find((t) => t.signature(located.row));
}

function parseOsqueryPackages(doc: SniffedDocument): InventoryBatch {
  const rows = rowsOf(doc.json);
  const views = new Map<string, Asset>();
  for (const located of rows) {
    const table = tableOf(located);
    if (!table)
      throw new InputError(doc.name, 'a row is from none of the osquery software tables patchcall reads', {
        pointer: located.at,
      });
    const host = doc.assetName ?? located.host;
    if (!host)
      throw new InputError(
        doc.name,
        'osqueryi output names no host; say which asset it describes with `patchcall import --asset <name>`',
        { pointer: located.at },
      );
    const key = `${host.toLowerCase()}|${table.kind}`;
    let view = views.get(key);
    if (!view) {
      view = newAsset({
        id: host,
        name: host,
        sources: [inventorySource('osquery-packages', doc.name)],
        softwareInventories: [
          {
            kind: table.kind,
            complete: true,
            completeBecause: `osquery's ${table.table} table lists every package ${describeManager(table.manager)} knows on the host`,
            ...(located.time ? { takenAt: located.time } : {}),
            source: inventorySource('osquery-packages', doc.name, table.table),
          },
        ],
      });
      views.set(key, view);
    }
    view.software.push(rowToSoftware(located, table, doc.name));
  }
  return { kind: 'inventory', assets: mergeViewsPerHost([...views.values()]), fixes: [] };
}

/** One view per host, carrying each table it sent, so a newer import of one table replaces only that table. */
function mergeViewsPerHost(views: Asset[]): Asset[] {
  const byHost = new Map<string, Asset>();
  for (const view of views) {
    const held = byHost.get(view.name.toLowerCase());
    if (!held) byHost.set(view.name.toLowerCase(), view);
    else {
      held.software.push(...view.software);
      held.softwareInventories.push(...view.softwareInventories);
    }
  }
  return [...byHost.values()];
}

function describeManager(manager: PackageManager): string {
  return manager === 'windows-programs' ? "Windows' installed-programs registry" : manager;
}

function rowToSoftware(located: LocatedRow, table: TableShape, file: string): InstalledSoftware {
  const row = located.row;
  const name = text(row.name);
  if (!name) throw new InputError(file, `a ${table.table} row has no name`, { pointer: `${located.at}/name` });
  const version = versionOf(row, table);
  const vendor = text(row.publisher) ?? text(row.vendor) ?? text(row.maintainer) ?? text(row.author);
  const location = text(row.path) ?? text(row.directory) ?? text(row.install_location);
  const installed = readInstallDate(text(row.install_date) ?? text(row.install_time));
  const purl = purlOf(name, version, row, table);
  return {
    name,
    ...(version ? { version } : {}),
    ...(vendor ? { vendor } : {}),
    ...(purl ? { purl } : {}),
    kind: kindOfManager(table.manager),
    packageManager: table.manager,
    ...(location ? { location } : {}),
    ...(installed ? { installedOn: installed } : {}),
    inventory: table.kind,
    source: inventorySource('osquery-packages', file, located.at),
  };
}

/** rpm: epoch:version-release (epoch only when set); deb: version already carries epoch and revision. */
function versionOf(row: Row, table: TableShape): string | undefined {
  const version = text(row.version);
  if (!version) return undefined;
  if (table.kind !== 'rpm') return version;
  const epoch = text(row.epoch);
  const release = text(row.release);
  return `${epoch && epoch !== '0' ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
}

/** Built only from the package manager's own fields, never from a Windows program name. */
function purlOf(name: string, version: string | undefined, row: Row, table: TableShape): string | undefined {
  const at = version ? `@${encodeURIComponent(version.replace(/^\d+:/, ''))}` : '';
  if (table.kind === 'rpm') {
    const qualifiers = [
      text(row.arch) ? `arch=${text(row.arch)}` : '',
      /^\d+:/.test(version ?? '') ? `epoch=${version!.split(':')[0]}` : '',
    ]
      .filter(Boolean)
      .join('&');
    return `pkg:rpm/${encodeURIComponent(name)}${at}${qualifiers ? `?${qualifiers}` : ''}`;
  }
  if (table.kind === 'deb') {
    // the source package ("glibc" for libc6) is what Debian's advisories name: kept as Syft keeps it, `upstream`
    const upstream = text(row.source)?.split(' ')[0];
    const qualifiers = [
      text(row.arch) ? `arch=${text(row.arch)}` : '',
      upstream && upstream !== name ? `upstream=${encodeURIComponent(upstream)}` : '',
    ]
      .filter(Boolean)
      .join('&');
    return `pkg:deb/${encodeURIComponent(name)}${version ? `@${encodeURIComponent(version)}` : ''}${qualifiers ? `?${qualifiers}` : ''}`;
  }
  if (table.kind === 'npm') {
    const scoped = /^@([^/]+)\/(.+)$/.exec(name);
    return scoped ? `pkg:npm/%40${scoped[1]}/${scoped[2]}${at}` : `pkg:npm/${name}${at}`;
  }
  if (table.kind === 'pypi') return `pkg:pypi/${name.toLowerCase().replace(/[-_.]+/g, '-')}${at}`;
  return undefined;
}

/** osquery writes programs' install_date as YYYYMMDD (from the registry) and others as Unix time. */
function readInstallDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (compact) {
    const reading = readIsoDate(`${compact[1]}-${compact[2]}-${compact[3]}`);
    return reading.ok ? reading.iso : undefined;
  }
  if (/^\d{9,10}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  const reading = readIsoDate(value);
  return reading.ok ? reading.iso : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
