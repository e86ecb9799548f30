/** `patchcall assets`: the current merged inventory, or with --bulletin each asset's standing against it. */
import type { Command } from 'commander';
import type { Asset, AssetMatch, MatchStatus } from '../../inventory/model';
import { globalOptions, type CliRuntime } from '../cli-io';

const STATUSES: MatchStatus[] = ['affected', 'patched', 'not_affected', 'unknown', 'retired'];

export function registerAssets(program: Command, runtime: CliRuntime): void {
  program
    .command('assets')
    .description('list the current assets (merged from every inventory import), or match them against a bulletin')
    .option(
      '--bulletin <id>',
      'show each asset as affected, patched, not_affected, unknown or retired for this bulletin (MS08-067 or a CVE id)',
    )
    .action((options: { bulletin?: string }, command: Command) => {
      const global = globalOptions(command);
      const patchcall = runtime.open(global);
      if (options.bulletin) {
        const matches = patchcall.matchBulletinAssets(options.bulletin);
        const counts = Object.fromEntries(STATUSES.map((s) => [s, matches.filter((m) => m.status === s).length]));
        runtime.print(
          global,
          {
            bulletin: options.bulletin,
            inventoryDigest: patchcall.currentInventoryDigest(),
            counts,
            matches: matches.map(matchJson),
          },
          () => renderMatches(options.bulletin!, matches, counts),
        );
        return;
      }
      const assets = patchcall.listAssets();
      runtime.print(
        global,
        { inventoryDigest: patchcall.currentInventoryDigest(), assets: assets.map(assetJson) },
        () => renderAssets(assets),
      );
    });
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

function renderAssets(assets: Asset[]): string {
  if (!assets.length) return 'no assets imported yet (patchcall import <cmdb.csv|scan.xml|…>)\n';
  const lines = assets.map((a) => {
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
    ].join('\t');
  });
  const notes = assets.flatMap((a) => a.conflicts.map((c) => `  ${a.name}: ${c.note}`));
  return (
    [
      'name\taddresses\tOS\tcriticality\tenvironment\tpatched by\tflags',
      ...lines,
      ...(notes.length ? ['conflicts:', ...notes] : []),
    ].join('\n') + '\n'
  );
}

function renderMatches(bulletin: string, matches: AssetMatch[], counts: Record<string, number>): string {
  const lines = [`${bulletin}: ${STATUSES.map((s) => `${counts[s]} ${s.replace('_', ' ')}`).join(', ')}`];
  for (const status of STATUSES) {
    for (const m of matches.filter((x) => x.status === status)) {
      lines.push(`${status.padEnd(12)} ${m.asset.name}`);
      for (const reason of m.reasons) lines.push(`             ${reason}`);
    }
  }
  return lines.join('\n') + '\n';
}
