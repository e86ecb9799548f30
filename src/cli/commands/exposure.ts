/** `patchcall exposure <bulletin> [--block proto/port@filter …]`: who can reach the vulnerable ports of each asset. */
import type { Command } from 'commander';
import type { AssetExposureEntry, ExposureReport } from '../../app/exposure-queries';
import type { PortReach } from '../../exposure/model';
import { addAssetFilterOptions, assetFilter, type AssetFilterOptions } from '../asset-filters';
import { globalOptions, type CliRuntime, type TextStyle } from '../cli-io';
import { paint, renderTable } from '../output';

export function registerExposure(program: Command, runtime: CliRuntime): void {
  const command = program
    .command('exposure')
    .description('which zones can reach the vulnerable ports of each affected asset, through which firewall rules')
    .argument('<bulletin>', 'advisory id (MS08-067) or CVE id')
    .option(
      '--block <proto/port@filter...>',
      'what if: drop that port first thing in the named filter (repeatable), e.g. tcp/445@edge',
    )
    .option('--verbose', 'every reason and warning per asset');
  addAssetFilterOptions(command).action(
    async (
      bulletinId: string,
      options: { block?: string[]; verbose?: boolean } & AssetFilterOptions,
      command: Command,
    ) => {
      const global = globalOptions(command);
      const filter = assetFilter(options);
      const full = (await runtime.open(global)).bulletinExposure(bulletinId, { blocks: options.block ?? [] });
      const assets = filter(full.assets, (entry) => ({
        name: entry.asset,
        status: entry.status,
        ...(entry.exposure ? { zone: entry.exposure.zone, exposure: entry.exposure.systemExposure } : {}),
      }));
      const report = { ...full, assets };
      runtime.print(global, report, () =>
        renderReport(runtime.style(global), report, options.verbose ?? false, full.assets.length),
      );
    },
  );
}

function renderReport(style: TextStyle, report: ExposureReport, verbose: boolean, total: number): string {
  const ports = report.ports.map((p) => `${p.protocol}/${p.port}`);
  const whatIf = report.blocks.length > 0;
  const lines = [
    `${report.bulletin}: ports ${ports.join(', ') || 'none known'} (from ${report.portsSource})${whatIf ? `; what if ${report.blocks.map((b) => `--block ${b}`).join(' ')}` : ''}`,
    '',
  ];
  const header = [
    'ASSET',
    'STATUS',
    'ZONE',
    whatIf ? 'EXPOSURE BEFORE → AFTER' : 'EXPOSURE',
    'PUBLIC',
    ...(ports.length ? ports.map((p) => `${p} REACHABLE FROM`) : ["HOST'S PORTS REACHABLE FROM (ports unknown)"]),
  ];
  const rows = report.assets.map((entry) => row(style, entry, ports, whatIf));
  lines.push(rows.length ? renderTable(style, header, rows) : 'no asset matches\n');
  if (report.assets.length !== total) lines.push(`${report.assets.length} of ${total} assets shown`, '');

  for (const entry of report.assets) {
    const e = entry.exposure;
    if (!e) continue;
    const reasons = verbose ? e.reasons : e.reasons.filter((r) => !/reachable from no zone$/.test(r));
    lines.push(`${entry.asset}:`);
    for (const reason of reasons) lines.push(`  - ${reason}`);
    if (entry.whatIf) {
      const stopped = Object.entries(entry.whatIf.change.stoppedZones).map(
        ([port, zones]) => `${port} no longer from ${zones.join(', ')}`,
      );
      lines.push(
        `  what if: ${entry.whatIf.change.before} → ${entry.whatIf.change.after}${stopped.length ? `; ${stopped.join('; ')}` : '; nothing changes'}`,
      );
    }
    const warnings = verbose ? e.warnings : e.warnings.slice(0, 3);
    for (const warning of warnings) lines.push(`  ! ${warning}`);
    if (!verbose && e.warnings.length > 3) lines.push(`  ! … ${e.warnings.length - 3} more (--verbose)`);
  }
  if (report.warnings.length) {
    const shown = verbose ? report.warnings : report.warnings.slice(0, 8);
    lines.push('', 'Warnings:', ...shown.map((w) => `  ! ${w}`));
    if (shown.length < report.warnings.length)
      lines.push(`  ! … ${report.warnings.length - shown.length} more (--verbose or --json)`);
  }
  lines.push('', `exposure inputs sha256 ${report.inputs.digest}`);
  return lines.join('\n') + '\n';
}

function row(style: TextStyle, entry: AssetExposureEntry, ports: string[], whatIf: boolean): string[] {
  const e = entry.exposure;
  if (!e) return [entry.asset, entry.status, '-', '-', '-', ...(ports.length ? ports : ['-']).map(() => '-')];
  const after = entry.whatIf?.after;
  const level = (value: string) => (value === 'open' ? paint(style, 'red', value) : value);
  const exposure = after ? `${level(e.systemExposure)} → ${level(after.systemExposure)}` : level(e.systemExposure);
  const publicly = after ? `${yes(e.publiclyExposed)} → ${yes(after.publiclyExposed)}` : yes(e.publiclyExposed);
  const shown = (whatIf ? (after ?? e) : e).ports;
  // ports unknown: each host has its own ports, so they share one column
  const reach = ports.length
    ? shown.map(reachText)
    : [shown.map((p) => `${portText(p)}: ${reachText(p)}`).join('; ') || 'no port reachable'];
  return [entry.asset, entry.status, e.zone, exposure, publicly, ...reach];
}

function portText(port: PortReach): string {
  return `${port.protocol}/${port.port}${port.toPort !== undefined ? `-${port.toPort}` : ''}`;
}

function reachText(port: PortReach): string {
  if (port.scanState === 'closed') return 'closed (scan)';
  const zones = [...new Set(port.reachableFrom.map((z) => z.zone))];
  return zones.length ? zones.join(', ') : 'no zone';
}

function yes(value: boolean): string {
  return value ? 'yes' : 'no';
}
