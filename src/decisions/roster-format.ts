/**
 * The roster as an importable document (`kind: patchcall/roster`, YAML or JSON): who speaks for security, network
 * and the sysadmins, who owns the call and who may stand in. Roles list Slack user ids (U…/W…) and user group ids
 * (S…); `people` and `groups` give names (and, for the offline stand-in, group members). `escalation` names further
 * roles that only receive escalations (the default path's `to` in rules/reminders.json, e.g. incident-commander).
 */
import type { FormatHandler, SniffedDocument } from '../common/format-handler';
import { InputError } from '../common/errors';
import { assertValid, createValidator } from '../common/json-schema';
import { pointer } from '../common/json-pointer';
import { parseYamlText } from '../common/parse-yaml';
import { GROUP_ID, ROLES, USER_ID, type Role, type RoleMembers } from './decision-model';

export interface RosterPerson {
  id: string;
  name: string;
}

export interface RosterGroup {
  id: string;
  handle: string;
  name: string;
  /** Members as the roster file states them; in Slack the app asks `usergroups.users.list` instead. */
  members: string[];
}

export interface RosterBatch {
  kind: 'roster';
  roles: Partial<Record<Role, RoleMembers>>;
  /** Escalation-only roles by name (absent in rosters imported before it existed). */
  escalation?: Record<string, RoleMembers>;
  people: RosterPerson[];
  groups: RosterGroup[];
}

interface RosterDocument {
  kind: 'patchcall/roster';
  description?: string;
  people?: RosterPerson[];
  groups?: { id: string; handle: string; name: string; members?: string[] }[];
  roles: Partial<Record<Role, string[]>>;
  escalation?: Record<string, string[]>;
}

const ID_PATTERN = '^([UW]|S)[A-Z0-9]{2,}$';
const MEMBER_IDS = {
  type: 'array',
  expected: 'a list of Slack user ids (U…) and user group ids (S…)',
  examples: [['U012ABCDEF', 'S0SYSADMIN']],
  items: {
    type: 'string',
    pattern: ID_PATTERN,
    expected: 'a Slack user id (U… or W…) or user group id (S…), not a name',
    examples: ['U012ABCDEF'],
  },
};
const schema = {
  type: 'object',
  required: ['kind', 'roles'],
  additionalProperties: false,
  properties: {
    kind: { const: 'patchcall/roster' },
    description: { type: 'string' },
    people: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
            pattern: '^[UW][A-Z0-9]{2,}$',
            expected: 'a Slack user id (U… or W…)',
            examples: ['U012ABCDEF'],
          },
          name: { type: 'string', minLength: 1, maxLength: 80 },
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'handle', 'name'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^S[A-Z0-9]{2,}$' },
          handle: { type: 'string', pattern: '^[a-z0-9._-]{1,80}$' },
          name: { type: 'string', minLength: 1, maxLength: 80 },
          members: { type: 'array', items: { type: 'string', pattern: '^[UW][A-Z0-9]{2,}$' } },
        },
      },
    },
    roles: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(ROLES.map((role) => [role, MEMBER_IDS])),
    },
    escalation: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9._-]{0,79}$' },
      additionalProperties: MEMBER_IDS,
    },
  },
};

const validate = createValidator(schema);
const KIND_LINE = /^kind:\s*["']?patchcall\/roster["']?\s*$/m;

export const rosterFormat: FormatHandler<RosterBatch> = {
  format: 'roster',
  description: 'stakeholder roster (JSON or YAML, kind: patchcall/roster)',
  detect(doc) {
    if (doc.json !== undefined) return (doc.json as { kind?: unknown } | null)?.kind === 'patchcall/roster';
    return doc.xmlRoot === undefined && KIND_LINE.test(doc.text);
  },
  parse(doc) {
    const value = doc.json !== undefined ? doc.json : parseYamlText(doc.name, doc.text);
    return toRosterBatch(assertValid<RosterDocument>(validate, value, doc.name, 'roster'), doc);
  },
};

function toRosterBatch(roster: RosterDocument, doc: Pick<SniffedDocument, 'name'>): RosterBatch {
  const known = new Set([...(roster.people ?? []).map((p) => p.id), ...(roster.groups ?? []).map((g) => g.id)]);
  const roles: Partial<Record<Role, RoleMembers>> = {};
  const members = (ids: string[], at: string[]): RoleMembers => {
    ids.forEach((id, i) => {
      // an id nobody named is most likely a typo; refusing it beats a role nobody can speak for
      if (!known.has(id))
        throw new InputError(doc.name, `${id} is neither in people nor in groups`, { pointer: pointer(...at, i) });
    });
    return {
      users: unique(ids.filter((id) => USER_ID.test(id))),
      groups: unique(ids.filter((id) => GROUP_ID.test(id))),
    };
  };
  for (const role of ROLES) {
    const ids = roster.roles[role];
    if (ids) roles[role] = members(ids, ['roles', role]);
  }
  const escalation = Object.fromEntries(
    Object.entries(roster.escalation ?? {}).map(([name, ids]) => [name, members(ids, ['escalation', name])]),
  );
  return {
    kind: 'roster',
    roles,
    ...(roster.escalation ? { escalation } : {}),
    people: roster.people ?? [],
    groups: (roster.groups ?? []).map((g) => ({
      id: g.id,
      handle: g.handle,
      name: g.name,
      members: unique(g.members ?? []),
    })),
  };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
