/**
 * The inventory as it stood at a moment (`patchcall --at`): a fix or a package whose install date is later than
 * the moment was not there yet. A date without a time counts from the end of that day in the last time zone to
 * finish it (UTC−12), so a replay never claims a fix before it can have been installed whatever the host's zone.
 * Items without a date are kept: the inventory does not say when they came.
 */
import type { Asset } from './model';

/** The first instant at which something installed on `installedOn` is surely installed, whatever the host's zone. */
export function installedFrom(installedOn: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(installedOn)) return Date.parse(`${installedOn}T00:00:00Z`) + (24 + 12) * 3600_000;
  return Date.parse(installedOn);
}

export function assetsAsOf(assets: Asset[], moment: Date): Asset[] {
  const at = moment.getTime();
  const present = (installedOn: string | undefined): boolean => {
    if (!installedOn) return true;
    const from = installedFrom(installedOn);
    return Number.isNaN(from) || from <= at;
  };
  return assets.map((asset) => {
    const installedFixes = asset.installedFixes.filter((fix) => present(fix.installedOn));
    const software = (asset.software ?? []).filter((item) => present(item.installedOn));
    if (installedFixes.length === asset.installedFixes.length && software.length === (asset.software ?? []).length)
      return asset;
    return { ...asset, installedFixes, software };
  });
}
