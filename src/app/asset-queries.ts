/** Reading the inventory back: the current assets, and each asset's standing against one bulletin. */
import type { Bulletin } from '../bulletins/model';
import { assetsAsOf } from '../inventory/as-of';
import { matchAssets } from '../inventory/match-assets';
import type { Asset, AssetMatch } from '../inventory/model';
import { inventoryDigest, loadAssets } from '../store/inventory-store';
import type { AppContext } from './app-context';
import type { RulesFolder } from './rules-folder';
import { loadBulletin } from './bulletin-queries';

/** The current assets; replaying with `--at`, a fix or package counts only from its install date. */
export function listAssets(ctx: AppContext): Asset[] {
  if (ctx.loadedAssets) return ctx.loadedAssets;
  const assets = loadAssets(ctx.db);
  return ctx.asOf ? assetsAsOf(assets, ctx.asOf) : assets;
}

/** The sha256 of the current merged inventory, recorded with a decision as the snapshot it was made on. */
export function currentInventoryDigest(ctx: AppContext): string {
  return inventoryDigest(ctx.db);
}

export function matchBulletinAssets(ctx: AppContext, bulletinId: string): AssetMatch[] {
  return assetMatches(ctx, loadBulletin(ctx, bulletinId));
}

/**
 * Each current asset against a bulletin the caller has already loaded, through the rules folder's name tables (an
 * organization's rows first); pass `rules` so one answer uses one version of the rules.
 */
export function assetMatches(ctx: AppContext, bulletin: Bulletin, rules: RulesFolder = ctx.rules): AssetMatch[] {
  const shared = ctx.sharedMatches?.(bulletin, rules);
  if (shared) return shared;
  return matchAssets(bulletin, listAssets(ctx), { names: rules.get('names') });
}
