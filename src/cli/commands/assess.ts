/** `patchcall assess <bulletin>`: per-asset facts, urgency, deadline and explanation; the plan; the summary. */
import type { Command } from 'commander';
import type { Assessment } from '../../risk/model';
import { formatTime } from '../../common/time-format';
import { globalOptions, type CliRuntime, type TextStyle } from '../cli-io';
import { paint, summariseNames } from '../output';

export function registerAssess(program: Command, runtime: CliRuntime): void {
  program
    .command('assess')
    .description(
      'the risk/reward check for a bulletin: urgency per asset (SSVC), deadlines, plan and the recommended call',
    )
    .argument('<bulletin>', 'advisory id (MS08-067) or CVE id')
    .option('--block <spec...>', 'what-if: assume this block is in place (same syntax as `patchcall exposure --block`)')
    .option('--verbose', 'every name in long lists')
    .action(async (id: string, options: { block?: string[]; verbose?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const patchcall = await runtime.open(global);
      const result = await patchcall.assessBulletin(id, options.block ? { blocks: options.block } : {});
      runtime.print(global, result, () =>
        renderAssessment(runtime.style(global), result, patchcall.displayTimeZone(), options.verbose ?? false),
      );
    });
}

const NOT_YET_KNOWN = 'Not yet known at the assessment time';
const COULD_NOT_TELL = /^Could not tell whether (.+) (is|are) affected: check by hand$/;

export function renderAssessment(style: TextStyle, a: Assessment, timeZone: string, verbose: boolean): string {
  const time = (iso: string) => formatTime(iso, timeZone);
  const out: string[] = [paint(style, 'bold', a.summary.headline), ''];
  for (const v of a.verdicts) {
    const urgency = v.urgency.toUpperCase();
    out.push(
      `${v.assetName}: ${v.urgency === 'immediate' ? paint(style, 'red', urgency) : urgency}${v.urgencyAfterMitigation ? ` (${v.urgencyAfterMitigation} with the block)` : ''}, due ${time(v.deadline.dueAt)}`,
    );
    // the same for every asset: said once, in the summary
    for (const line of v.explanation) if (!line.startsWith(NOT_YET_KNOWN)) out.push(`  - ${line}`);
    out.push('');
  }
  out.push('Plan:');
  a.plan.forEach((s, i) => {
    out.push(`  ${i + 1}. [${s.kind}] ${s.title}${s.dueAt ? ` (due ${time(s.dueAt)})` : ''}`);
    out.push(`     assets: ${summariseNames(s.assets, verbose, 20)}`);
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
  for (const r of a.summary.reasons) {
    const unresolved = COULD_NOT_TELL.exec(r);
    if (!unresolved) out.push(`  ${r}`);
    else {
      const names = unresolved[1]!.split(', ');
      out.push(`  Could not tell whether ${summariseNames(names, verbose)} ${unresolved[2]} affected: check by hand`);
    }
  }
  out.push(
    `  assessed ${time(a.assessedAt)}${a.rulebookDigest ? `, rulebook sha256 ${a.rulebookDigest.slice(0, 12)}` : ''}`,
  );
  return out.join('\n') + '\n';
}
