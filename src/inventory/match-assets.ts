/**
 * Which assets a bulletin affects. Pure: bulletin products (CPE 2.3 with NVD version ranges, CSAF cpe/purl helpers,
 * or product names through the OS table) against each asset's preferred OS, with the reasons in words.
 * Order of verdicts: retired, then an installed fix (patched), then an unknown OS (unknown, never dropped), then
 * the product match (affected, or not_affected).
 */
import type { Bulletin, ProductEntry } from '../bulletins/model';
import { compareCpe, compareVersions, cpeAttribute, toCpe23 } from './cpe';
import type { Asset, AssetMatch } from './model';
import { normalizeOs } from './normalize-os';

export function matchAssets(bulletin: Bulletin, assets: Asset[]): AssetMatch[] {
  const fixIds = new Set(bulletin.fixIds.map((id) => id.toUpperCase()));
  const affected = bulletin.products
    .filter((p) => p.status === 'affected')
    .map((p) => ({ product: p, cpe: productCpe(p) }));
  const unaffected = bulletin.products
    .filter((p) => p.status === 'fixed' || p.status === 'not_affected')
    .map((p) => ({ product: p, cpe: productCpe(p) }));
  return assets.map((asset) => matchAsset(bulletin, asset, fixIds, affected, unaffected));
}

interface Candidate {
  product: ProductEntry;
  cpe?: string;
}

function matchAsset(
  bulletin: Bulletin,
  asset: Asset,
  fixIds: Set<string>,
  affected: Candidate[],
  unaffected: Candidate[],
): AssetMatch {
  const result = (status: AssetMatch['status'], reasons: string[], matchedProducts: string[] = []): AssetMatch => ({
    asset,
    status,
    reasons,
    matchedProducts,
  });
  if (asset.retired)
    return result('retired', [
      `retired in the inventory (${describe(asset.sources.find((s) => String(s.format) === 'servicenow-cmdb') ?? asset.sources[0])}): kept, never counted as affected`,
    ]);

  const fix = asset.installedFixes.find((f) => fixIds.has(f.id.toUpperCase()));
  if (fix)
    return result('patched', [
      `${fix.id} is installed${fix.installedOn ? ` (on ${fix.installedOn})` : ''} according to ${describe(fix.source)}`,
    ]);

  const os = asset.os;
  if (!os) {
    const guesses = asset.osCandidates.length
      ? `; only weak guesses: ${asset.osCandidates
          .slice(0, 3)
          .map((c) => `"${c.raw}" (${c.confidence} %)`)
          .join(', ')}`
      : '';
    return result('unknown', [`no source states the OS of ${asset.name}${guesses}`]);
  }
  if (!os.cpe)
    return result('unknown', [
      `OS "${os.raw}" (${describe(os.source)}) is not in the OS name table, so it cannot be compared with the bulletin's products`,
    ]);

  const conflictNote = asset.conflicts.filter((c) => c.field === 'os').map((c) => `note: ${c.note}`);
  const osText = `OS "${os.raw}" (${os.cpe}${os.note ? `; ${os.note}` : ''}; ${describe(os.source)})`;
  const definite: string[] = [];
  const possible: string[] = [];
  for (const { product, cpe } of affected) {
    if (!cpe) continue;
    const comparison = compareCpe(cpe, os.cpe);
    if (comparison.outcome === 'no-match' || !inVersionRange(product, os.cpe)) continue;
    if (comparison.outcome === 'match') definite.push(product.name);
    else possible.push(`${product.name} (${comparison.unknown.join(', ')} not known for the asset)`);
  }
  if (definite.length)
    return result(
      'affected',
      [
        `${osText} matches the affected product${definite.length > 1 ? 's' : ''} ${definite.map((n) => `"${n}"`).join(', ')} of ${bulletin.id}`,
        ...conflictNote,
      ],
      definite,
    );

  const excluded = unaffected.find(({ cpe }) => cpe && compareCpe(cpe, os.cpe!).outcome === 'match');
  if (excluded)
    return result('not_affected', [
      `${osText} is listed as ${excluded.product.status.replace('_', ' ')} by ${describe(excluded.product.source)}: "${excluded.product.name}"`,
      ...conflictNote,
    ]);

  if (possible.length) {
    return result(
      'affected',
      [
        `${osText} possibly matches ${possible.map((p) => `"${p}"`).join(', ')}; counted as affected until the inventory says more`,
        ...conflictNote,
      ],
      possible.map((p) => p.replace(/ \(.*\)$/, '')),
    );
  }
  const unmapped = affected.filter((c) => !c.cpe).map((c) => c.product.name);
  const reasons = [`${osText} matches none of the ${affected.length} affected products of ${bulletin.id}`];
  if (unmapped.length)
    reasons.push(
      `could not compare with ${unmapped.length} product(s) that have no CPE: ${unmapped.slice(0, 3).join(', ')}${unmapped.length > 3 ? ', …' : ''}`,
    );
  return result('not_affected', [...reasons, ...conflictNote]);
}

/** The product's CPE 2.3: stated (2.3 or 2.2), or derived from its name (Microsoft's CSAF names carry no CPE). */
function productCpe(product: ProductEntry): string | undefined {
  const stated = product.cpe ?? product.cpeRaw;
  if (stated) return toCpe23(stated);
  return normalizeOs(product.name).cpe;
}

/** NVD ranges (versionStart/End…) narrow a version-numbered product; an asset without a version stays in. */
function inVersionRange(product: ProductEntry, assetCpe: string): boolean {
  const version = cpeAttribute(assetCpe, 'version');
  if (!version || version === '*' || version === '-') return true;
  if (product.versionStartIncluding && compareVersions(version, product.versionStartIncluding) < 0) return false;
  if (product.versionStartExcluding && compareVersions(version, product.versionStartExcluding) <= 0) return false;
  if (product.versionEndIncluding && compareVersions(version, product.versionEndIncluding) > 0) return false;
  if (product.versionEndExcluding && compareVersions(version, product.versionEndExcluding) >= 0) return false;
  return true;
}

function describe(source: { format: string; document: string; locator?: string } | undefined): string {
  if (!source) return 'an unnamed source';
  return `${source.format}: ${source.document}${source.locator ? ` ${source.locator}` : ''}`;
}
