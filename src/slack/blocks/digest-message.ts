/**
 * The daily digest as a Slack message: the decisions still waiting for the call (deadline passed marked), plan steps
 * past their due time and not recorded done, and the exposure still open, each time in the organization's zone.
 * Names and titles come from bulletins, inventories and people: they are shown literally (no mention, no link, no
 * formatting), and the sections are `verbatim` so Slack links nothing on its own.
 */
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../../common/time-format';
import type { DigestContent } from '../../decisions/digest';
import { literalMrkdwn } from '../escape-mrkdwn';
import type { RenderedCard } from '../slack-gateway';
import { statusLine } from './command-replies';

const SECTION_MAX = 3000;
const LISTED = 25;

export function digestMessage(content: DigestContent, now: Date, timeZone: string): RenderedCard {
  const overdue = (dueAt: string | undefined) => dueAt !== undefined && Date.parse(dueAt) < now.getTime();
  const list = (lines: string[], none: string) =>
    lines.length
      ? [...lines.slice(0, LISTED), ...(lines.length > LISTED ? [`…and ${lines.length - LISTED} more`] : [])]
      : [none];
  const section = (title: string, lines: string[]): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: cut([`*${title}*`, ...lines].join('\n')), verbatim: true },
  });
  const open = content.open.map(
    (d) => `• ${statusLine(d, timeZone)}${overdue(d.assessment?.summary.deadline.dueAt) ? ' · *deadline passed*' : ''}`,
  );
  const steps = content.overdueSteps.map(
    ({ decisionId, step }) =>
      `• *${literalMrkdwn(decisionId)}*: ${literalMrkdwn(step.title)}${step.assets.length ? ` (${literalMrkdwn(step.assets.join(', '))})` : ''}, due ${formatTime(step.dueAt!, timeZone)}, not recorded done`,
  );
  const exposure = content.openExposure.map(
    (e) => `• *${literalMrkdwn(e.decisionId)}*: ${literalMrkdwn(e.assets.join(', '))} open to the network`,
  );
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `patchcall digest, ${formatTime(now.toISOString(), timeZone)}`.slice(0, 150) },
    },
    section(`Open decisions (${content.open.length})`, list(open, 'None: every decision has its call.')),
    section(`Plan steps past due (${content.overdueSteps.length})`, list(steps, 'None.')),
    section(`Exposure still open (${content.openExposure.length})`, list(exposure, 'None recorded.')),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Exposure as the latest import showed it (as at convening where none came since). `/patch status` shows every decision.',
        },
      ],
    },
  ];
  const text = `patchcall digest: ${content.open.length} open decision${content.open.length === 1 ? '' : 's'}, ${content.overdueSteps.length} plan step${content.overdueSteps.length === 1 ? '' : 's'} past due`;
  return { blocks, text };
}

function cut(text: string): string {
  if (text.length <= SECTION_MAX) return text;
  const head = text.slice(0, SECTION_MAX - 1);
  const amp = head.lastIndexOf('&');
  return (amp !== -1 && !head.slice(amp).includes(';') ? head.slice(0, amp) : head) + '…';
}
