/** Who holds which role, as the fold of roster imports and `role.assigned` events; and who may speak for what. */
import {
  emptyRoleMap,
  RosterEvents,
  SPEAKING_ROLES,
  type Role,
  type RoleMap,
  type RoleMembers,
  type SpeakingRole,
} from './decision-model';
import type { RosterBatch } from './roster-format';

export interface RosterState {
  roles: RoleMap;
  /** Display names from the roster file, for readable output; people are still identified by id. */
  names: Record<string, string>;
  groups: Record<string, { handle: string; name: string; members: string[] }>;
  /** Escalation-only roles by name (the roster's `escalation`). */
  escalation: Record<string, RoleMembers>;
}

export interface RoleAssignedPayload {
  role: Role;
  users: string[];
  groups: string[];
}

export interface RoleRefusedPayload {
  userId: string;
  text: string;
  reason: string;
}

/** A roster-relevant event: a `role.assigned`, or an import whose batch is a roster. */
export type RosterEvent =
  | { type: typeof RosterEvents.assigned; payload: RoleAssignedPayload }
  | { type: 'roster.imported'; payload: RosterBatch }
  | { type: typeof RosterEvents.refused; payload: RoleRefusedPayload };

export function initialRoster(): RosterState {
  return { roles: emptyRoleMap(), names: {}, groups: {}, escalation: {} };
}

/** Roles the event names are replaced; roles it leaves out keep their members. */
export function applyRosterEvent(state: RosterState, event: RosterEvent): RosterState {
  switch (event.type) {
    case RosterEvents.assigned:
      return {
        ...state,
        roles: { ...state.roles, [event.payload.role]: { users: event.payload.users, groups: event.payload.groups } },
      };
    case 'roster.imported': {
      const batch = event.payload;
      return {
        roles: { ...state.roles, ...(batch.roles as Partial<RoleMap>) },
        names: { ...state.names, ...Object.fromEntries(batch.people.map((p) => [p.id, p.name])) },
        groups: {
          ...state.groups,
          ...Object.fromEntries(
            batch.groups.map((g) => [g.id, { handle: g.handle, name: g.name, members: g.members }]),
          ),
        },
        escalation: { ...state.escalation, ...batch.escalation },
      };
    }
    case RosterEvents.refused:
      return state;
  }
}

/** Each role's members with user groups replaced by their members (as `groupMembers` gives them). */
export function resolveMembers(roles: RoleMap, groupMembers: Record<string, string[]>): Record<Role, string[]> {
  const resolve = (members: RoleMembers): string[] => [
    ...new Set([...members.users, ...members.groups.flatMap((g) => groupMembers[g] ?? [])]),
  ];
  return {
    security: resolve(roles.security),
    network: resolve(roles.network),
    sysadmin: resolve(roles.sysadmin),
    owner: resolve(roles.owner),
    delegate: resolve(roles.delegate),
  };
}

/** Everyone to invite: each person once, however many roles they hold. */
export function everyone(members: Record<Role, string[]>): string[] {
  return [...new Set(Object.values(members).flat())];
}

/** The roles a person holds in any of the given member lists (at convene time, now). */
export function rolesHeld(userId: string, ...memberLists: Record<Role, string[]>[]): Role[] {
  const held = new Set<Role>();
  for (const members of memberLists) {
    for (const [role, ids] of Object.entries(members) as [Role, string[]][]) if (ids.includes(userId)) held.add(role);
  }
  return [...held].sort((a, b) => roleOrder(a) - roleOrder(b));
}

export function speakingRoles(roles: Role[]): SpeakingRole[] {
  return SPEAKING_ROLES.filter((role) => roles.includes(role));
}

function roleOrder(role: Role): number {
  return ['security', 'network', 'sysadmin', 'owner', 'delegate'].indexOf(role);
}
