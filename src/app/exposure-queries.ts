/** The exposure of a bulletin's assets, from the current inventory, filters and network description. */
import type { Bulletin, PortSpec } from '../bulletins/model';
import { computeExposure, type ExposureInputs } from '../exposure/compute-exposure';
import { vulnerablePorts } from '../exposure/exposure-rules';
import type { AssetExposure } from '../exposure/model';
import { parseBlock, whatIf, withBlocks, type WhatIfChange } from '../exposure/what-if';
import { affectedIdentities } from '../inventory/match/advisory-criteria';
import type { Asset, AssetMatch, MatchStatus } from '../inventory/model';
import { exposureInputsDigest, loadFilters, loadNetwork } from '../store/exposure-store';
import type { AppContext } from './app-context';
import { assetMatches } from './asset-queries';
import { loadBulletin } from './bulletin-queries';
import { refuseUnknownFilters } from './network-filters';
import type { RulesFolder } from './rules-folder';

export interface AssetExposureEntry {
  assetId: string;
  asset: string;
  status: MatchStatus;
  /** Why the asset has that status (from matching). */
  why: string[];
  /** Only for affected assets. */
  exposure?: AssetExposure;
  /** With --block: the exposure with the blocks in place, and what changed. */
  whatIf?: { after: AssetExposure; change: WhatIfChange };
}

export interface ExposureReport {
  bulletin: string;
  ports: PortSpec[];
  portsSource: string;
  inputs: {
    /** sha256 over the current filters and network description (the snapshot a decision records). */
    digest: string;
    filters: { name: string; kind: string; families: string[]; document: string; eventSeq?: number }[];
    network: { document: string; eventSeq: number } | null;
  };
  assets: AssetExposureEntry[];
  blocks: string[];
  warnings: string[];
}

export interface ExposureOptions {
  blocks?: string[];
  /** The rules to read (the caller's, so one answer uses one version of them); default: the current ones. */
  rules?: RulesFolder;
}

export function bulletinExposure(ctx: AppContext, bulletinId: string, options: ExposureOptions = {}): ExposureReport {
  const bulletin = loadBulletin(ctx, bulletinId);
  return exposureOfMatches(ctx, bulletin, assetMatches(ctx, bulletin, options.rules), options);
}

/** The report for a bulletin whose assets are already matched, so a caller that has both does not load them again. */
export function exposureOfMatches(
  ctx: AppContext,
  bulletin: Bulletin,
  matches: AssetMatch[],
  options: ExposureOptions = {},
): ExposureReport {
  const rules = options.rules ?? ctx.rules;
  // what-if blocks are asked once by one caller; only the plain report is shared within a run
  if (ctx.sharedExposure && !options.blocks?.length)
    return ctx.sharedExposure(matches, rules, () => computeReport(ctx, bulletin, matches, rules, options));
  return computeReport(ctx, bulletin, matches, rules, options);
}

function computeReport(
  ctx: AppContext,
  bulletin: Bulletin,
  matches: AssetMatch[],
  rules: RulesFolder,
  options: ExposureOptions,
): ExposureReport {
  const filters = loadFilters(ctx.db);
  const stored = loadNetwork(ctx.db);
  const names = rules.get('names');
  const { ports, source, usual } = vulnerablePorts(bulletin, rules.get('servicePorts'), {
    products: affectedIdentities(bulletin, names),
    matches,
    names,
    usual: rules.get('usualPorts'),
  });
  const inputs: ExposureInputs = {
    filters,
    ...(stored ? { network: stored.network } : {}),
    ports,
    rules: rules.get('exposure'),
    portsUnknown: !ports.length,
    ...(usual ? { portsNote: `ports from ${source}` } : {}),
  };

  const blocks = (options.blocks ?? []).map(parseBlock);
  withBlocks(filters, blocks);
  const exposures = blocks.length ? undefined : computeExposure(matches, inputs);
  const what = blocks.length ? whatIf(matches, inputs, blocks) : undefined;
  const current = exposures ?? what!.before;
  const byId = new Map(current.map((e, i) => [e.assetId, i]));

  const assets = matches.map((m): AssetExposureEntry => {
    const i = byId.get(m.asset.id);
    return {
      assetId: m.asset.id,
      asset: m.asset.name,
      status: m.status,
      why: m.reasons,
      ...(i !== undefined ? { exposure: current[i]! } : {}),
      ...(i !== undefined && what ? { whatIf: { after: what.after[i]!, change: what.changes[i]! } } : {}),
    };
  });

  return {
    bulletin: bulletin.id,
    ports,
    portsSource: source,
    inputs: {
      digest: exposureInputsDigest(ctx.db),
      filters: filters.map((f) => ({
        name: f.name,
        kind: f.kind,
        families: f.families,
        document: f.source.document,
        ...(f.source.eventSeq !== undefined ? { eventSeq: f.source.eventSeq } : {}),
      })),
      network: stored ? { document: stored.network.document, eventSeq: stored.eventSeq } : null,
    },
    assets,
    blocks: options.blocks ?? [],
    warnings: inputWarnings(
      inputs,
      matches.map((m) => m.asset),
    ),
  };
}

/**
 * What is missing or dangling in the inputs, said once for the whole report. A filter the network description
 * names but nobody imported is an error unless the description says `assumeOpen: true`; parser notes are shown
 * only for filters on some path (named by a guard or host entry, or a security group of an asset in the report).
 */
function inputWarnings(inputs: ExposureInputs, assets: Asset[]): string[] {
  const warnings: string[] = [];
  const names = new Set(inputs.filters.map((f) => f.name));
  if (inputs.network) refuseUnknownFilters(inputs.network, names);
  if (!inputs.network)
    warnings.push(
      'no network description imported (patchcall import network.yaml): every public address counts as the internet, every private one as unassigned-private, and no zone guard applies',
    );
  if (!inputs.filters.length) warnings.push('no firewall imported: every path is open');
  for (const guard of inputs.network?.guards ?? []) {
    if (!names.has(guard.filter))
      warnings.push(
        `${inputs.network!.document}: filter "${guard.filter}" guarding ${guard.zones.join(', ')} is not imported; that hop is assumed open (assumeOpen: true)`,
      );
  }
  const known = new Set(assets.map((a) => a.name));
  for (const host of inputs.network?.hosts ?? []) {
    if (!names.has(host.filter))
      warnings.push(
        `${inputs.network!.document}: host filter "${host.filter}" of ${host.asset} is not imported; assumed open (assumeOpen: true)`,
      );
    if (!known.has(host.asset))
      warnings.push(
        `${inputs.network!.document}: host filter "${host.filter}" names asset "${host.asset}", which is not in the inventory`,
      );
  }
  const onPath = new Set([
    ...(inputs.network?.guards ?? []).map((g) => g.filter),
    ...(inputs.network?.hosts ?? []).map((h) => h.filter),
    ...assets.flatMap((a) => a.securityGroupIds),
  ]);
  const offPath = new Set<string>();
  for (const filter of inputs.filters) {
    if (!onPath.has(filter.name)) {
      offPath.add(filter.name);
      continue;
    }
    for (const w of filter.warnings) warnings.push(`${filter.name} (${filter.source.document}): ${w}`);
  }
  if (offPath.size)
    warnings.push(
      `${offPath.size} imported filter${offPath.size > 1 ? 's are' : ' is'} on no path to these assets and not used: ${[...offPath].sort().slice(0, 5).join(', ')}${offPath.size > 5 ? ', …' : ''}`,
    );
  if (!inputs.ports.length)
    warnings.push(
      "no vulnerable ports known for this bulletin: each host's exposure is worked out over its own ports (ports unknown)",
    );
  return warnings;
}
