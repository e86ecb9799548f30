/** `patchcall decisions [--open]` and `patchcall decision show <id>`: the decisions in the log, from the CLI. */
import type { Command } from 'commander';
import type { DecisionOverview } from '../../app/decision-overview';
import { formatTime } from '../../common/time-format';
import { globalOptions, type CliRuntime, type TextStyle } from '../cli-io';
import { paint, renderTable } from '../output';

export function registerDecisions(program: Command, runtime: CliRuntime): void {
  program
    .command('decisions')
    .description('list decisions: status, urgency, deadline, the call, positions taken and still owed')
    .option('--open', 'only decisions without a call yet')
    .action(async (options: { open?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const patchcall = await runtime.open(global);
      const decisions = patchcall.listDecisionOverviews({ open: options.open ?? false });
      runtime.print(global, { decisions }, () =>
        renderList(runtime.style(global), decisions, options.open ?? false, patchcall.displayTimeZone()),
      );
    });

  program
    .command('decision')
    .description('one decision')
    .command('show')
    .description('show one decision: positions, the call, the deadline, the positions still owed')
    .argument('<id>', 'decision id (as `patchcall decisions` lists it)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const patchcall = await runtime.open(global);
      const decision = patchcall.showDecisionOverview(id);
      runtime.print(global, decision, () => renderOne(runtime.style(global), decision, patchcall.displayTimeZone()));
    });
}

function renderList(style: TextStyle, decisions: DecisionOverview[], open: boolean, zone: string): string {
  if (!decisions.length)
    return open ? 'no open decisions\n' : 'no decisions yet (`/patch open <bulletin>` in Slack convenes one)\n';
  return renderTable(
    style,
    ['ID', 'BULLETIN', 'STATUS', 'URGENCY', 'DEADLINE', 'CALL', 'POSITIONS', 'STILL OWED', 'PROGRESS', 'NEXT'],
    decisions.map((d) => [
      d.id,
      d.bulletinId,
      statusText(d),
      d.urgency ?? '-',
      d.deadline ? formatTime(d.deadline.dueAt, zone) : '-',
      d.call ? `${d.call.outcome} (${d.call.by})` : '-',
      String(d.positions.length),
      owedText(d) || '-',
      d.progress?.line ?? '-',
      d.nextAction ? `${d.nextAction.what} ${d.nextAction.due ? '(due now)' : d.nextAction.at}` : '-',
    ]),
  );
}

function statusText(d: DecisionOverview): string {
  if (d.closedAt) return 'closed';
  return d.factsChangedSinceCall ? `${d.status}, facts changed` : d.status;
}

function owedText(d: DecisionOverview): string {
  return d.owed
    .filter((o) => o.missing > 0)
    .map((o) => `${o.role} ${o.missing}`)
    .join(', ');
}

function renderOne(style: TextStyle, d: DecisionOverview, zone: string): string {
  const time = (iso: string) => formatTime(iso, zone);
  const lines = [
    `${paint(style, 'bold', d.id)}: ${d.bulletinId}, ${statusText(d)}`,
    `  convened     ${d.convenedAt ? time(d.convenedAt) : '-'}${d.convenedBy ? ` by ${d.convenedBy}` : ''}`,
    `  channel      ${d.channel ? `#${d.channel.name} (${d.channel.id})` : '-'}`,
    `  urgency      ${d.urgency ?? '-'}, recommended call ${d.recommendedCall ?? '-'}`,
    `  deadline     ${d.deadline ? `${time(d.deadline.dueAt)}: ${d.deadline.reason}` : '-'}`,
    `  assets       ${d.assets}`,
  ];
  if (d.call) {
    lines.push(
      `  call         ${d.call.outcome} by ${d.call.by} (${d.call.as}) at ${time(d.call.at)}`,
      `               ${d.call.rationale}`,
      `               ${d.call.quorumSummary}${d.call.overrideReason ? `; override: ${d.call.overrideReason}` : ''}`,
    );
  } else lines.push(`  call         not yet made${d.quorum ? `; ${d.quorum}` : ''}`);
  lines.push('', 'Positions:');
  if (!d.positions.length) lines.push('  none yet');
  for (const p of d.positions)
    lines.push(`  ${time(p.at)} ${p.userId} (${p.roles.join(', ')}): ${p.stance}${p.comment ? ` — ${p.comment}` : ''}`);
  const owed = d.owed.filter((o) => o.missing > 0);
  if (owed.length) {
    lines.push('', 'Still owed:');
    for (const o of owed)
      lines.push(
        `  ${o.role}: ${o.missing} of ${o.count}${o.waitingOn.length ? `, waiting on ${o.waitingOn.join(', ')}` : ''}`,
      );
  }
  if (d.factsChangedSinceCall)
    lines.push('', `Facts changed since the call (${d.factsChangedSinceCall.at}): ${d.factsChangedSinceCall.summary}`);
  if (d.progress) {
    lines.push('', `Progress (${d.progress.at}): ${d.progress.line}`);
    for (const s of d.progress.steps)
      lines.push(`  ${s.title}: ${s.status} (${s.resolved} of ${s.of})${s.dueAt ? `, due ${s.dueAt}` : ''}`);
  }
  for (const p of d.providers)
    lines.push(
      `  provider ${p.provider}: ${p.status}${p.note ? ` — ${p.note}` : ''}${p.dueAt ? ` (due ${p.dueAt})` : ''}`,
    );
  for (const e of d.escalations) lines.push(`  escalated ${e.at}: ${e.subject}`);
  if (d.closedAt) lines.push('', `Closed ${d.closedAt}`);
  lines.push(
    '',
    `Next action: ${d.nextAction ? `${d.nextAction.what} at ${d.nextAction.at}${d.nextAction.due ? ' (due now)' : ''}` : 'none'}`,
  );
  if (d.refusals) lines.push('', `${d.refusals} refused attempt${d.refusals > 1 ? 's' : ''} on the record`);
  return lines.join('\n') + '\n';
}
