/** `patchcall assets`: the current merged inventory, or with --bulletin each asset's standing against it. */
import type { Command } from 'commander';
import type { Asset, AssetMatch, MatchStatus } from '../../inventory/model';
import type { Patchcall } from '../../app/patchcall';
import { PatchcallError } from '../../common/errors';
import type { AssetExposure } from '../../exposure/model';
import { addAssetFilterOptions, assetFilter, needsExposure, type AssetFilterOptions } from '../asset-filters';
import { globalOptions, type CliRuntime, type TextStyle } from '../cli-io';
import { paint, renderTable } from '../output';

const STATUSES: MatchStatus[] = ['affected', 'patched', 'not_affected', 'unknown', 'retired'];

export function registerAssets(program: Command, runtime: CliRuntime): void {
  const command = program
    .command('assets')
    .description('list the current assets (merged from every inventory import), or match them against a bulletin')
    .option(
      '--bulletin <id>',
      'show each asset as affected, patched, not_affected, unknown or retired for this bulletin (MS08-067 or a CVE id)',
    );
  addAssetFilterOptions(command).action(
    async (options: { bulletin?: string } & AssetFilterOptions, command: Command) => {
      const global = globalOptions(command);
      const filter = assetFilter(options);
      const patchcall = await runtime.open(global);
      const style = runtime.style(global);
      if (options.bulletin) {
        const all = patchcall.matchBulletinAssets(options.bulletin);
        const placed = needsExposure(options)
          ? exposureById(patchcall, options.bulletin)
          : new Map<string, AssetExposure>();
        const matches = filter(all, (m) => ({
          name: m.asset.name,
          status: m.status,
          ...(placed.get(m.asset.id) ? { zone: placed.get(m.asset.id)!.zone } : {}),
          ...(placed.get(m.asset.id) ? { exposure: placed.get(m.asset.id)!.systemExposure } : {}),
        }));
        const counts = Object.fromEntries(STATUSES.map((s) => [s, all.filter((m) => m.status === s).length]));
        runtime.print(
          global,
          {
            bulletin: options.bulletin,
            inventoryDigest: patchcall.currentInventoryDigest(),
            counts,
            matches: matches.map(matchJson),
          },
          () => renderMatches(style, options.bulletin!, matches, counts, shownNote(matches.length, all.length)),
        );
        return;
      }
      if (options.status !== undefined || needsExposure(options))
        throw new PatchcallError('USAGE', '--status, --zone and --exposure need --bulletin <id> (they depend on it)');
      const all = patchcall.listAssets();
      const assets = filter(all, (a) => ({ name: a.name }));
      runtime.print(
        global,
        { inventoryDigest: patchcall.currentInventoryDigest(), assets: assets.map(assetJson) },
        () => renderAssets(style, assets, shownNote(assets.length, all.length)),
      );
    },
  );
}

function exposureById(patchcall: Patchcall, bulletin: string): Map<string, AssetExposure> {
  const report = patchcall.bulletinExposure(bulletin);
  return new Map(report.assets.filter((e) => e.exposure).map((e) => [e.assetId, e.exposure!]));
}

function shownNote(shown: number, total: number): string {
  return shown === total ? '' : `${shown} of ${total} assets shown\n`;
}

function assetJson(a: Asset) {
  return {
    id: a.id,
    name: a.name,
    addresses: a.addresses,
    hostnames: a.hostnames,
    os: a.os
      ? {
          raw: a.os.raw,
          cpe: a.os.cpe ?? null,
          confidence: a.os.confidence,
          method: a.os.method ?? null,
          source: a.os.source,
        }
      : null,
    criticality: a.criticality,
    environment: a.environment,
    owner: a.owner ?? null,
    patchedBy: a.patchedBy,
    provider: a.provider ?? null,
    patchSlaDays: a.patchSlaDays ?? null,
    cluster: a.cluster ?? null,
    tags: a.tags,
    retired: a.retired,
    securityGroupIds: a.securityGroupIds,
    installedFixes: a.installedFixes.map((f) => f.id),
    software: (a.software ?? []).map((s) => ({
      name: s.name,
      version: s.version ?? null,
      vendor: s.vendor ?? null,
      purl: s.purl ?? null,
      cpe: s.cpe ?? null,
      kind: s.kind,
      packageManager: s.packageManager ?? null,
      location: s.location ?? null,
      installedOn: s.installedOn ?? null,
      inventory: s.inventory,
      source: s.source,
    })),
    softwareInventories: (a.softwareInventories ?? []).map((i) => ({
      kind: i.kind,
      complete: i.complete,
      completeBecause: i.completeBecause,
      subject: i.subject ?? null,
      takenAt: i.takenAt ?? null,
      source: i.source,
    })),
    openPorts: a.services.filter((s) => s.state === 'open').map((s) => `${s.protocol}/${s.port}`),
    conflicts: a.conflicts,
    sources: a.sources,
  };
}

function matchJson(m: AssetMatch) {
  return {
    asset: { id: m.asset.id, name: m.asset.name, addresses: m.asset.addresses, os: m.asset.os?.raw ?? null },
    status: m.status,
    ...(m.possiblyAffected ? { possiblyAffected: true } : {}),
    reasons: m.reasons,
    matchedProducts: m.matchedProducts,
    sources: m.sources ?? [],
  };
}

function renderAssets(style: TextStyle, assets: Asset[], note: string): string {
  if (!assets.length)
    return note ? `no asset matches\n${note}` : 'no assets imported yet (patchcall import <cmdb.csv|scan.xml|…>)\n';
  const rows = assets.map((a) => {
    const patched =
      a.patchedBy === 'provider'
        ? `provider ${a.provider ?? '?'}${a.patchSlaDays !== undefined ? ` (SLA ${a.patchSlaDays} d)` : ''}`
        : 'self';
    const flags = [
      a.retired ? 'RETIRED' : '',
      a.conflicts.length ? `${a.conflicts.length} conflict${a.conflicts.length > 1 ? 's' : ''}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [
      a.name,
      a.addresses.join(' ') || '-',
      a.os?.raw ?? '(OS unknown)',
      a.criticality,
      a.environment,
      patched,
      flags,
    ];
  });
  const notes = assets.flatMap((a) => a.conflicts.map((c) => `  ${a.name}: ${c.note}`));
  return (
    renderTable(style, ['NAME', 'ADDRESSES', 'OS', 'CRITICALITY', 'ENVIRONMENT', 'PATCHED BY', 'FLAGS'], rows) +
    (notes.length ? ['conflicts:', ...notes].join('\n') + '\n' : '') +
    note
  );
}

function renderMatches(
  style: TextStyle,
  bulletin: string,
  matches: AssetMatch[],
  counts: Record<string, number>,
  note: string,
): string {
  const head = `${bulletin}: ${STATUSES.map((s) => `${counts[s]} ${s.replace('_', ' ')}`).join(', ')}\n`;
  const ordered = STATUSES.flatMap((status) => matches.filter((m) => m.status === status));
  const rows = ordered.map((m) => [
    m.asset.name,
    m.status === 'affected' ? paint(style, 'red', m.status) : m.status,
    m.reasons.join('\n'),
  ]);
  return head + (rows.length ? renderTable(style, ['ASSET', 'STATUS', 'WHY'], rows) : 'no asset matches\n') + note;
}
