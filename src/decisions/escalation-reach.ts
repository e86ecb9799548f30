/**
 * Who an escalation reaches. rules/reminders.json names the escalation role as a Slack user id (U…), a user group
 * id (S…) or a name; a name is resolved through the roster in the log (a roster role such as owner or security, or
 * an escalation-only role of the roster: `escalation: { incident-commander: [...] }`), else as a user group handle:
 * through Slack's own listing of its user groups (the cache kept by usergroups.list and `subteam_*` events), then
 * the roster's groups. People are messaged directly; a user group is mentioned in the channel (the one mention
 * patchcall makes itself). A name that resolves to nobody is said so, never dropped silently, and when Slack's user
 * groups were not known at that moment the sentence says that too.
 */
import type { RosterState } from './apply-roster-event';
import { GROUP_ID, ROLES, USER_ID, type Role, type RoleMembers } from './decision-model';

export interface EscalationReach {
  /** People to message directly (U…/W…). */
  users: string[];
  /** User groups to mention in the decision's channel (S…). */
  groups: string[];
  /** How the name was resolved; `nobody` when it names no one patchcall knows. */
  via: 'user' | 'group' | 'role' | 'escalation-role' | 'slack-handle' | 'group-handle' | 'nobody';
  /** Set when it reached nobody and Slack's user groups were not known (usergroups.list had not answered). */
  groupsUnknown?: true;
}

/** Slack's user groups as last listed: handle → group id; `known` is false until Slack has answered once. */
export interface GroupDirectory {
  byHandle: Record<string, string>;
  known: boolean;
}

export const UNKNOWN_DIRECTORY: GroupDirectory = { byHandle: {}, known: false };

export function escalationReach(
  to: string,
  roster: RosterState,
  directory: GroupDirectory = UNKNOWN_DIRECTORY,
): EscalationReach {
  if (USER_ID.test(to)) return { users: [to], groups: [], via: 'user' };
  if (GROUP_ID.test(to)) return { users: [], groups: [to], via: 'group' };
  const name = to.trim().replace(/^@/, '');
  const nobody = (): EscalationReach => ({
    users: [],
    groups: [],
    via: 'nobody',
    ...(directory.known ? {} : { groupsUnknown: true as const }),
  });
  const members = (m: RoleMembers, via: EscalationReach['via']): EscalationReach =>
    m.users.length || m.groups.length ? { users: [...m.users], groups: [...m.groups], via } : nobody();
  const escalationRole = Object.hasOwn(roster.escalation, name) ? roster.escalation[name] : undefined;
  if (escalationRole) return members(escalationRole, 'escalation-role');
  if ((ROLES as string[]).includes(name)) return members(roster.roles[name as Role], 'role');
  const listed = Object.hasOwn(directory.byHandle, name) ? directory.byHandle[name] : undefined;
  if (listed) return { users: [], groups: [listed], via: 'slack-handle' };
  const group = Object.entries(roster.groups).find(([, g]) => g.handle === name);
  if (group) return { users: [], groups: [group[0]], via: 'group-handle' };
  return nobody();
}

/** The sentence for the channel and the record when an escalation reached nobody. */
export function reachedNobody(to: string, groupsUnknown = false): string {
  return groupsUnknown
    ? `escalation to ${to} reached nobody: no roster role or escalation role of that name names anyone, and Slack's user groups were not known yet (usergroups.list had not answered)`
    : `escalation to ${to} reached nobody: no roster role, escalation role or Slack user group of that name names anyone`;
}
