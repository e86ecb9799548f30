/** The ephemeral answers of `/patch`: help, the roles, the status of decisions, and short notices. */
import type { KnownBlock } from '@slack/types';
import { ROLES } from '../../app/contract';
import type { DecisionState, RoleMap } from '../../decisions/decision-model';
import { escapeMrkdwn, literalMrkdwn, mentionGroup, mentionUser } from '../escape-mrkdwn';
import { OUTCOME_LABELS, ROLE_LABELS, URGENCY_LABELS, formatTime } from './labels';

export const HELP_TEXT = [
  '*/patch* — a fast, accountable call on an out-of-cycle security patch',
  '`/patch open <bulletin id or CVE>` — convene the stakeholders in a channel with the decision card',
  '`/patch new` — type in a bulletin that came by e-mail or phone (convenes when it is out-of-cycle and affects assets)',
  '`/patch status [decision id]` — open decisions, or one decision',
  '`/patch assets <decision id>` — every affected asset with its exposure',
  '`/patch roles` — who speaks for security, network, the sysadmins, and who owns the call',
  '`/patch roles set <role> @person @group …` — change a role (admins only)',
  '`/patch export <decision id> [json|csv|md|html]` — upload the audit record into the decision channel (role members and admins)',
  '`/patch provider <decision id> <sent|acknowledged|scheduled|patched|declined> <note>` — record a provider’s answer (decision owner or delegate)',
  '`/patch help` — this text',
].join('\n');

export function helpBlocks(problem?: string): KnownBlock[] {
  return [
    ...(problem
      ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: escapeMrkdwn(problem), verbatim: true } }]
      : []),
    // escaped too: Slack reads <…> in mrkdwn as a link or mention, even inside backticks
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(HELP_TEXT) } },
  ];
}

export function rolesText(roles: RoleMap): string {
  const lines = ROLES.map((role) => {
    const members = [...roles[role].users.map(mentionUser), ...roles[role].groups.map(mentionGroup)];
    return `*${ROLE_LABELS[role]}*: ${members.length ? members.join(', ') : 'nobody'}`;
  });
  return ['*Roles*', ...lines].join('\n');
}

export function statusText(decisions: DecisionState[], timeZone: string): string {
  if (decisions.length === 0) return 'No open decisions. `/patch open <bulletin>` convenes one.';
  return decisions.map((d) => statusLine(d, timeZone)).join('\n');
}

/**
 * One decision in a line. `positions: false` leaves out the count of positions: the App Home lists every decision
 * to everyone, and a count there would make each click change every person's Home.
 */
export function statusLine(state: DecisionState, timeZone: string, show: { positions?: boolean } = {}): string {
  const channel = state.channel ? `<#${state.channel.id}>` : 'no channel yet';
  const positions = Object.keys(state.positions).length;
  if (state.call) {
    return `*${literalMrkdwn(state.id)}* — decided: *${OUTCOME_LABELS[state.call.outcome]}* by ${mentionUser(state.call.by)} at ${formatTime(state.call.at, timeZone)} · ${channel}`;
  }
  const summary = state.assessment?.summary;
  const recommended = summary
    ? `recommended ${URGENCY_LABELS[summary.urgency]} (${OUTCOME_LABELS[summary.recommendedCall]}), due ${formatTime(summary.deadline.dueAt, timeZone)}`
    : 'not assessed';
  const counted = show.positions === false ? '' : ` · ${positions} position${positions === 1 ? '' : 's'}`;
  return `*${literalMrkdwn(state.id)}* — open: ${recommended}${counted} · ${channel}`;
}
