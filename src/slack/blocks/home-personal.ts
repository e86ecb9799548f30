/**
 * The App Home's part for the person looking at it: the open decisions they hold a role in (named at convening, or
 * holding it now through the roster or a role's user group), with the deadline and what they still owe (a position,
 * or the call), and the plan steps of their decided decisions past due.
 */
import type { KnownBlock } from '@slack/types';
import type { DecisionOverview } from '../../app/decision-overview';
import { formatTime } from '../../common/time-format';
import type { DecisionState, Role } from '../../decisions/decision-model';
import { overdueSteps, rolesInDecision } from '../../app/contract';
import { literalMrkdwn } from '../escape-mrkdwn';

const LISTED = 15;

export interface HomeViewer {
  userId: string;
  /** Positions still owed per decision (quorum for the recommended call), from `listDecisionOverviews`. */
  overviews: DecisionOverview[];
  /** Who holds each role now (the roster with its user groups expanded). */
  members: Record<Role, string[]>;
  now: Date;
}

export function personalHomeBlocks(decisions: DecisionState[], viewer: HomeViewer, timeZone: string): KnownBlock[] {
  const held = new Map(decisions.map((d) => [d.id, rolesInDecision(d, viewer.userId, viewer.members)]));
  const mine = decisions.filter((d) => d.status !== 'new' && held.get(d.id)!.length > 0);
  const open = mine.filter((d) => d.status === 'open');
  const steps = mine.flatMap((d) => overdueSteps(d, viewer.now));
  const owedBy = new Map(viewer.overviews.map((o) => [o.id, o.owed]));
  const line = (d: DecisionState): string => {
    const dueAt = d.assessment?.summary.deadline.dueAt;
    const passed = dueAt !== undefined && Date.parse(dueAt) < viewer.now.getTime();
    const due = dueAt ? `due ${formatTime(dueAt, timeZone)}${passed ? ' · *deadline passed*' : ''}` : 'no deadline';
    const roles = held.get(d.id)!;
    const owes = d.positions[viewer.userId]
      ? []
      : (owedBy.get(d.id) ?? []).filter((o) => o.missing > 0 && roles.includes(o.role)).map((o) => o.role);
    const todo = [
      ...(owes.length ? [`your position as ${owes.join(' and ')} is still owed`] : []),
      ...(roles.includes('owner') || roles.includes('delegate') ? ['you may make the call'] : []),
    ];
    const channel = d.channel ? ` · <#${d.channel.id}>` : '';
    return `*${literalMrkdwn(d.id)}* — ${due}${channel}${todo.length ? `\n${todo.join('; ')}` : ''}`;
  };
  const section = (text: string): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: text.slice(0, 3000), verbatim: true },
  });
  return [
    { type: 'header', text: { type: 'plain_text', text: `Your open decisions (${open.length})` } },
    ...(open.length ? open.slice(0, LISTED).map((d) => section(line(d))) : [section('None waiting on you.')]),
    ...(steps.length
      ? [
          {
            type: 'header',
            text: { type: 'plain_text', text: `Your plan steps past due (${steps.length})` },
          } as KnownBlock,
          section(
            steps
              .slice(0, LISTED)
              .map(
                ({ decisionId, step }) =>
                  `• *${literalMrkdwn(decisionId)}*: ${literalMrkdwn(step.title)}, due ${formatTime(step.dueAt!, timeZone)}, not recorded done`,
              )
              .join('\n'),
          ),
        ]
      : []),
    { type: 'divider' },
  ];
}
