/**
 * Shared pieces of the software-inventory importers: package URLs read with `packageurl-js`, the package manager
 * and version form they imply, and the one place that ties a host-less document to an asset (`--asset`).
 */
import { PackageURL } from 'packageurl-js';
import type { Asset, InventoryBatch, PackageManager, SoftwareKind } from './model';

const MANAGER_OF_PURL: Record<string, PackageManager> = {
  rpm: 'rpm',
  deb: 'deb',
  apk: 'apk',
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  nuget: 'nuget',
  gem: 'gem',
  golang: 'golang',
  cargo: 'cargo',
  composer: 'composer',
  chocolatey: 'chocolatey',
};

export interface PurlFacts {
  purl: string;
  type: string;
  packageManager?: PackageManager;
  /** The ecosystem's own version form: RPM "epoch:version" from the purl's epoch qualifier. */
  version?: string;
  namespace?: string;
  name: string;
}

/** A purl as stated, or undefined (with the reason) when packageurl-js cannot read it. */
export function readPurl(text: string): { ok: true; facts: PurlFacts } | { ok: false; problem: string } {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text.trim());
  } catch (error) {
    return { ok: false, problem: `"${text}" is not a package URL: ${(error as Error).message}` };
  }
  const qualifiers = (purl.qualifiers ?? {}) as Record<string, string>;
  const epoch = qualifiers.epoch;
  const version =
    purl.version === undefined ? undefined : epoch && epoch !== '0' ? `${epoch}:${purl.version}` : purl.version;
  const packageManager = MANAGER_OF_PURL[purl.type];
  return {
    ok: true,
    facts: {
      purl: text.trim(),
      type: purl.type,
      name: purl.name,
      ...(purl.namespace ? { namespace: purl.namespace } : {}),
      ...(packageManager ? { packageManager } : {}),
      ...(version !== undefined ? { version } : {}),
    },
  };
}

/** What a package of this manager is on a host: distribution packages are OS packages, the rest libraries. */
export function kindOfManager(manager: PackageManager | undefined): SoftwareKind {
  if (manager === 'rpm' || manager === 'deb' || manager === 'apk') return 'os-package';
  if (manager === 'chocolatey' || manager === 'windows-programs' || manager === 'homebrew') return 'application';
  return manager ? 'library' : 'other';
}

/**
 * `patchcall import --asset <name>`: every software view in the batch describes that host, whatever the document
 * says. The name is the asset's name as other sources know it (a CMDB name, a hostname), so views merge with it.
 */
export function assignBatchToAsset(batch: InventoryBatch, assetName: string): InventoryBatch {
  const name = assetName.trim();
  const assets: Asset[] = batch.assets.map((view) => ({
    ...view,
    id: name,
    name,
    hostnames: view.hostnames.filter((h) => h.toLowerCase() !== name.toLowerCase()),
  }));
  return { ...batch, assets, fixes: batch.fixes.map((fix) => ({ ...fix, host: name })) };
}
