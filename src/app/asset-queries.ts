/** Reading the inventory back: the current assets, and each asset's standing against one bulletin. */
import type { Bulletin } from '../bulletins/model';
import { assetsAsOf } from '../inventory/as-of';
import { matchAssets } from '../inventory/match-assets';
import type { Asset, AssetMatch } from '../inventory/model';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultNameTable, loadNameTable, type NameTable } from '../inventory/name-table';
import { PatchcallError } from '../common/errors';
import { inventoryDigest, loadAssets } from '../store/inventory-store';
import type { AppContext } from './app-context';
import { loadBulletin } from './bulletin-queries';

/** The current assets; replaying with `--at`, a fix or package counts only from its install date. */
export function listAssets(ctx: AppContext): Asset[] {
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

/** Each current asset against a bulletin the caller has already loaded. */
export function assetMatches(ctx: AppContext, bulletin: Bulletin): AssetMatch[] {
  return matchAssets(bulletin, listAssets(ctx), { names: nameTables(ctx.rulesDir) });
}

/**
 * The name tables of the rules folder in use (an organization's rows included), read at each matching so an edited
 * table applies at once, also in the long-running Slack app; two small files.
 */
function nameTables(rulesDir: string): NameTable {
  try {
    // a rules folder without names/ (an older copy) uses the shipped tables
    return existsSync(join(rulesDir, 'names')) ? loadNameTable(rulesDir) : defaultNameTable();
  } catch (error) {
    throw new PatchcallError('CONFIG', (error as Error).message);
  }
}
