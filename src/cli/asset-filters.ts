/** `--status`, `--zone`, `--exposure`, `--asset <glob>` and `--limit` for `assets` and `exposure`. */
import type { Command } from 'commander';
import picomatch from 'picomatch';
import { PatchcallError } from '../common/errors';

export const MATCH_STATUSES = ['affected', 'patched', 'not_affected', 'unknown', 'retired'];
export const EXPOSURE_LEVELS = ['open', 'controlled', 'small'];

export interface AssetFilterOptions {
  status?: string;
  zone?: string;
  exposure?: string;
  asset?: string;
  limit?: string;
}

/** What a row offers to the filters; undefined fields never match a filter on them. */
export interface FilterableAsset {
  name: string;
  status?: string;
  zone?: string;
  exposure?: string;
}

export function addAssetFilterOptions(command: Command): Command {
  return command
    .option('--status <list>', `only these match statuses, comma-separated: ${MATCH_STATUSES.join(', ')}`)
    .option('--zone <list>', 'only assets in these zones of the network description, comma-separated')
    .option('--exposure <list>', `only these SSVC System Exposure values: ${EXPOSURE_LEVELS.join(', ')}`)
    .option('--asset <glob>', 'only assets whose name matches this glob, e.g. "web*" or "{fs,db}0?"')
    .option('--limit <n>', 'at most n assets');
}

export function needsExposure(options: AssetFilterOptions): boolean {
  return options.zone !== undefined || options.exposure !== undefined;
}

export function isFiltered(options: AssetFilterOptions): boolean {
  return (['status', 'zone', 'exposure', 'asset', 'limit'] as const).some((k) => options[k] !== undefined);
}

/** Builds the predicate and limit once, refusing unknown values with the list of known ones. */
export function assetFilter(options: AssetFilterOptions): <T>(rows: T[], view: (row: T) => FilterableAsset) => T[] {
  const statuses = list('--status', options.status, MATCH_STATUSES);
  const exposures = list('--exposure', options.exposure, EXPOSURE_LEVELS);
  const zones = list('--zone', options.zone);
  const isMatch = options.asset !== undefined ? picomatch(options.asset, { nocase: true }) : undefined;
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new PatchcallError('USAGE', `--limit takes a whole number of at least 1, not "${options.limit}"`);
  }
  return (rows, view) => {
    const kept = rows.filter((row) => {
      const a = view(row);
      return (
        (!statuses || (a.status !== undefined && statuses.includes(a.status))) &&
        (!exposures || (a.exposure !== undefined && exposures.includes(a.exposure))) &&
        (!zones || (a.zone !== undefined && zones.includes(a.zone))) &&
        (!isMatch || isMatch(a.name))
      );
    });
    return limit === undefined ? kept : kept.slice(0, limit);
  };
}

function list(option: string, text: string | undefined, allowed?: string[]): string[] | undefined {
  if (text === undefined) return undefined;
  const values = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!values.length) throw new PatchcallError('USAGE', `${option} needs at least one value`);
  const unknown = allowed ? values.filter((v) => !allowed.includes(v)) : [];
  if (unknown.length)
    throw new PatchcallError('USAGE', `${option}: unknown value "${unknown[0]}"; one of ${allowed!.join(', ')}`);
  return values;
}
