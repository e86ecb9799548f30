/**
 * The scheduler's notices as Slack messages: reminders in the decision's channel, the direct message to the owner
 * and the delegate, and the default path at the deadline ("default: mitigate now" with the plan's mitigation).
 * Every time in the organization's zone with UTC beside it; bulletin and plan text escaped.
 */
import type { KnownBlock } from '@slack/types';
import type { DecisionState, Notice } from '../../decisions/decision-model';
import { durationMs, GROUP_ID, reachedNobody, USER_ID } from '../../app/contract';
import { formatTime } from '../../common/time-format';
import { escapeMrkdwn, mentionGroup, mentionUser } from '../escape-mrkdwn';
import type { RenderedCard } from '../slack-gateway';

const SECTION_MAX = 3000;

export function noticeMessage(state: DecisionState, notice: Notice, timeZone: string): RenderedCard {
  const id = escapeMrkdwn(state.bulletinId);
  const deadline = formatTime(notice.deadline, timeZone);
  const summary = state.assessment?.summary;
  const recommended = summary ? ` Recommended: *${summary.urgency}* (${summary.recommendedCall}).` : '';
  const where = state.channel ? ` in <#${state.channel.id}>` : '';
  let text: string;
  switch (notice.kind) {
    case 'reminder':
      text = `:alarm_clock: Reminder: no call yet on *${id}*. ${spell(notice.point)} left until the deadline, ${deadline}.${recommended}`;
      break;
    case 'direct-message':
      text = `:alarm_clock: You may make the call on *${id}*${where}: no call yet, with ${spell(notice.point)} left until the deadline, ${deadline}.${recommended}`;
      break;
    case 'overdue-reminder':
      text = `:warning: Still no call on *${id}*: the deadline ${deadline} passed; reminding every ${spell(notice.every)} until the call is made.${recommended}`;
      break;
    case 'default-path':
      text = defaultPathText(state, notice, id, deadline, where);
      break;
  }
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: cut(text), verbatim: true } }];
  return { blocks, text: cut(text) };
}

function defaultPathText(state: DecisionState, notice: Notice, id: string, deadline: string, where: string): string {
  if (notice.path === 'remind')
    return `:warning: The deadline ${deadline} passed with no call on *${id}*${where}. Default path: reminding every ${spell(notice.every)} until the call is made.`;
  const lines = [
    `:rotating_light: *${escapeMrkdwn(notice.post ?? 'default: mitigate now')}* — the deadline ${deadline} passed with no call on *${id}*${where}. ${escalationSentence(notice)}`,
  ];
  if (notice.withMitigation) {
    const steps = (state.assessment?.plan ?? []).filter((step) => step.kind === 'mitigate');
    if (!steps.length) lines.push('The plan has no mitigation step: decide the call now.');
    else {
      lines.push('Mitigation from the plan:');
      for (const step of steps) {
        const assets = step.assets.length ? ` (${escapeMrkdwn(step.assets.join(', '))})` : '';
        lines.push(`• ${escapeMrkdwn(step.title)}${assets}: ${escapeMrkdwn(step.details)}`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * Whom the escalation reached: the people messaged directly and the user groups mentioned here (ids from the roster
 * in the log or Slack's listing of its user groups, never user text), or that it reached nobody. Events from before `reached` was recorded show the name.
 */
function escalationSentence(notice: Notice): string {
  const to = notice.escalatedTo;
  if (to === undefined) return 'Escalated to nobody (no escalation role is configured).';
  const mentions = notice.reached
    ? [...notice.reached.users.map(mentionUser), ...notice.reached.groups.map(mentionGroup)]
    : USER_ID.test(to)
      ? [mentionUser(to)]
      : GROUP_ID.test(to)
        ? [mentionGroup(to)]
        : undefined;
  if (USER_ID.test(to) || GROUP_ID.test(to)) return `Escalated to ${mentions!.join(', ')}.`;
  const name = `*${escapeMrkdwn(to)}*`;
  if (!mentions) return `Escalated to ${name}.`;
  if (!mentions.length) return `:warning: ${capitalised(reachedNobody(name, notice.reached?.groupsUnknown))}.`;
  return `Escalated to ${name}: ${mentions.join(', ')}.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "PT4H" → "4 hours", "P1D" → "1 day"; the text as written when it is no duration. */
export function spell(point: string | undefined): string {
  const ms = point === undefined ? undefined : durationMs(point);
  if (ms === undefined) return point ?? '';
  const units: [number, string][] = [
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) if (ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  return point!;
}

function cut(text: string): string {
  // the text is escaped already; cut without splitting an entity such as &amp;
  if (text.length <= SECTION_MAX) return text;
  const head = text.slice(0, SECTION_MAX - 1);
  const amp = head.lastIndexOf('&');
  return (amp !== -1 && !head.slice(amp).includes(';') ? head.slice(0, amp) : head) + '…';
}
