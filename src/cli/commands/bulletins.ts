/** `patchcall bulletins` and `patchcall bulletin show <id>`. */
import type { Command } from 'commander';
import type { Bulletin } from '../../bulletins/model';
import { globalOptions, type CliRuntime } from '../cli-io';
import { renderTable } from '../output';

export function registerBulletins(program: Command, runtime: CliRuntime): void {
  program
    .command('bulletins')
    .description('list imported bulletins')
    .action(async (_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const bulletins = (await runtime.open(global)).listBulletins();
      runtime.print(global, { bulletins: bulletins.map(summary) }, () =>
        bulletins.length
          ? renderTable(
              runtime.style(global),
              ['ID', 'RELEASED', 'CYCLE', 'TITLE'],
              bulletins.map((b) => [
                b.id,
                b.releasedAt?.value.slice(0, 10) ?? '?',
                b.cycle.status,
                b.title?.value ?? '',
              ]),
            )
          : 'no bulletins imported yet (patchcall import <file>)\n',
      );
    });

  program
    .command('bulletin')
    .description('one bulletin')
    .command('show')
    .description('show one bulletin, merged from every source, each fact with its source')
    .argument('<id>', 'advisory id (MS08-067) or CVE id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const bulletin = (await runtime.open(global)).loadBulletin(id);
      runtime.print(global, bulletin, () => renderBulletin(bulletin));
    });
}

function summary(b: Bulletin) {
  return {
    id: b.id,
    title: b.title?.value,
    vendor: b.vendor?.value,
    releasedAt: b.releasedAt?.value,
    cycle: b.cycle.status,
    cves: b.cves,
    fixIds: b.fixIds,
  };
}

function renderBulletin(b: Bulletin): string {
  const src = (s: { format: string; document: string }) => `[${s.format}: ${s.document}]`;
  const lines: string[] = [];
  lines.push(`${b.id}: ${b.title?.value ?? '(no title)'}`);
  if (b.vendor) lines.push(`  vendor       ${b.vendor.value}`);
  if (b.releasedAt) lines.push(`  released     ${b.releasedAt.value}`);
  lines.push(`  cycle        ${b.cycle.status}: ${b.cycle.reason}`);
  lines.push(`  CVEs         ${b.cves.join(', ') || '-'}`);
  if (b.fixIds.length) lines.push(`  fixes        ${b.fixIds.join(', ')}`);
  if (b.restartRequired)
    lines.push(
      `  restart      ${b.restartRequired.value ? 'required' : 'not required'} ${src(b.restartRequired.source)}`,
    );
  for (const s of b.scores) lines.push(`  CVSS ${s.version.padEnd(7)} ${s.baseScore} ${s.vector} ${src(s.source)}`);
  for (const e of b.exploitation) lines.push(`  exploitation ${e.status}: ${e.evidence} ${src(e.source)}`);
  for (const s of b.ssvc) {
    lines.push(
      `  SSVC (CISA)  exploitation ${s.exploitation ?? '?'}, automatable ${s.automatable ?? '?'}, technical impact ${s.technicalImpact ?? '?'} ${src(s.source)}`,
    );
  }
  for (const k of b.kev)
    lines.push(`  KEV          added ${k.dateAdded}${k.dueDate ? `, due ${k.dueDate}` : ''} ${src(k.source)}`);
  for (const e of b.epss)
    lines.push(
      `  EPSS         ${e.score} (percentile ${e.percentile}, model ${e.modelVersion ?? '?'}, ${e.scoreDate ?? '?'}) ${src(e.source)}`,
    );
  if (b.vulnerablePorts.length)
    lines.push(`  ports        ${b.vulnerablePorts.map((p) => `${p.protocol}/${p.port}`).join(', ')}`);
  const affected = b.products.filter((p) => p.status === 'affected');
  lines.push(
    `  products     ${affected.length} affected${b.products.length > affected.length ? `, ${b.products.length - affected.length} other` : ''}`,
  );
  for (const p of affected.slice(0, 12)) lines.push(`    - ${p.name}${p.cpe ? ` (${p.cpe})` : ''}`);
  if (affected.length > 12) lines.push(`    … ${affected.length - 12} more (--json for all)`);
  lines.push(`  sources      ${b.sources.map(src).join(' ')}`);
  return lines.join('\n') + '\n';
}
