/** `patchcall assess <bulletin>`: per-asset facts, urgency, deadline and explanation; the plan; the summary. */
import type { Command } from 'commander';
import type { Assessment } from '../../risk/model';
import { formatTime } from '../../common/time-format';
import { globalOptions, type CliRuntime } from '../cli-io';

export function registerAssess(program: Command, runtime: CliRuntime): void {
  program
    .command('assess')
    .description(
      'the risk/reward check for a bulletin: urgency per asset (SSVC), deadlines, plan and the recommended call',
    )
    .argument('<bulletin>', 'advisory id (MS08-067) or CVE id')
    .option('--block <spec...>', 'what-if: assume this block is in place (same syntax as `patchcall exposure --block`)')
    .action(async (id: string, options: { block?: string[] }, command: Command) => {
      const global = globalOptions(command);
      const patchcall = runtime.open(global);
      const result = await patchcall.assessBulletin(id, options.block ? { blocks: options.block } : {});
      runtime.print(global, result, () => renderAssessment(result, patchcall.displayTimeZone()));
    });
}

export function renderAssessment(a: Assessment, timeZone: string): string {
  const time = (iso: string) => formatTime(iso, timeZone);
  const out: string[] = [a.summary.headline, ''];
  for (const v of a.verdicts) {
    out.push(
      `${v.assetName}: ${v.urgency.toUpperCase()}${v.urgencyAfterMitigation ? ` (${v.urgencyAfterMitigation} with the block)` : ''}, due ${time(v.deadline.dueAt)}`,
    );
    for (const line of v.explanation) out.push(`  - ${line}`);
    out.push('');
  }
  out.push('Plan:');
  a.plan.forEach((s, i) => {
    out.push(`  ${i + 1}. [${s.kind}] ${s.title}${s.dueAt ? ` (due ${time(s.dueAt)})` : ''}`);
    out.push(
      `     assets: ${s.assets.length > 20 ? `${s.assets.slice(0, 20).join(', ')} … and ${s.assets.length - 20} more` : s.assets.join(', ')}`,
    );
    if (s.startAt) out.push(`     start: ${time(s.startAt)}`);
    out.push(`     ${s.details}`);
  });
  out.push('', 'Summary:');
  out.push(
    `  ${Object.entries(a.summary.counts)
      .reverse()
      .map(([u, n]) => `${u} ${n}`)
      .join(', ')}`,
  );
  out.push(`  deadline ${time(a.summary.deadline.dueAt)} — ${a.summary.deadline.reason}`);
  for (const r of a.summary.reasons) out.push(`  ${r}`);
  out.push(
    `  assessed ${time(a.assessedAt)}${a.rulebookDigest ? `, rulebook sha256 ${a.rulebookDigest.slice(0, 12)}` : ''}`,
  );
  return out.join('\n') + '\n';
}
