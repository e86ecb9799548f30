/**
 * Who an escalation reaches. rules/reminders.json names the escalation role as a Slack user id (U…), a user group
 * id (S…) or a name; a name is resolved through the roster in the log: a roster role (owner, security…), an
 * escalation-only role of the roster (`escalation: { incident-commander: [...] }`), or a user group by its handle.
 * People are messaged directly; a user group is mentioned in the channel (the one mention patchcall makes itself).
 * A name that resolves to nobody is said so, never dropped silently.
 */
import type { RosterState } from './apply-roster-event';
import { GROUP_ID, ROLES, USER_ID, type Role, type RoleMembers } from './decision-model';

export interface EscalationReach {
  /** People to message directly (U…/W…). */
  users: string[];
  /** User groups to mention in the decision's channel (S…). */
  groups: string[];
  /** How the name was resolved; `nobody` when it names no one patchcall knows. */
  via: 'user' | 'group' | 'role' | 'escalation-role' | 'group-handle' | 'nobody';
}

export function escalationReach(to: string, roster: RosterState): EscalationReach {
  if (USER_ID.test(to)) return { users: [to], groups: [], via: 'user' };
  if (GROUP_ID.test(to)) return { users: [], groups: [to], via: 'group' };
  const name = to.trim().replace(/^@/, '');
  const members = (m: RoleMembers, via: EscalationReach['via']): EscalationReach =>
    m.users.length || m.groups.length ? { users: [...m.users], groups: [...m.groups], via } : nobody();
  const escalationRole = Object.hasOwn(roster.escalation, name) ? roster.escalation[name] : undefined;
  if (escalationRole) return members(escalationRole, 'escalation-role');
  if ((ROLES as string[]).includes(name)) return members(roster.roles[name as Role], 'role');
  const group = Object.entries(roster.groups).find(([, g]) => g.handle === name);
  if (group) return { users: [], groups: [group[0]], via: 'group-handle' };
  return nobody();
}

function nobody(): EscalationReach {
  return { users: [], groups: [], via: 'nobody' };
}

/** The sentence for the channel and the record when an escalation reached nobody. */
export function reachedNobody(to: string): string {
  return `escalation to ${to} reached nobody: no roster role, escalation role or user group of that name names anyone`;
}
