import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffDocument } from '../../src/app/read-document';
import { rosterFormat } from '../../src/decisions/roster-format';
import {
  applyRosterEvent,
  initialRoster,
  resolveMembers,
  everyone,
  rolesHeld,
} from '../../src/decisions/apply-roster-event';

const seed = join(__dirname, '../../db/seed/roster.yaml');

describe('the roster format', () => {
  it('reads the bundled roster', () => {
    const doc = sniffDocument(seed, readFileSync(seed));
    expect(rosterFormat.detect(doc)).toBe(true);
    const batch = rosterFormat.parse(doc);
    expect(batch.roles.owner!.users).toHaveLength(1);
    expect(batch.roles.sysadmin!.groups).toEqual(['S0SYSADMIN']);
    const roster = applyRosterEvent(initialRoster(), { type: 'roster.imported', payload: batch });
    const members = resolveMembers(roster.roles, Object.fromEntries(batch.groups.map((g) => [g.id, g.members])));
    expect(members.sysadmin.length).toBeGreaterThan(1);
    expect(new Set(everyone(members)).size).toBe(everyone(members).length);
  });

  it('refuses an id nobody named, with the place', () => {
    const doc = sniffDocument(
      'r.yaml',
      Buffer.from('kind: patchcall/roster\npeople:\n  - { id: U0AAA, name: A }\nroles:\n  security: [U0AAA, U0TYPO]\n'),
    );
    expect(() => rosterFormat.parse(doc)).toThrow(
      'r.yaml (at /roles/security/1): U0TYPO is neither in people nor in groups',
    );
  });

  it('reads escalation-only roles, and refuses an unknown id or a name there', () => {
    const batch = rosterFormat.parse(sniffDocument(seed, readFileSync(seed)));
    expect(batch.escalation).toEqual({ 'incident-commander': { users: ['U0SEC0001'], groups: [] } });
    const roster = applyRosterEvent(initialRoster(), { type: 'roster.imported', payload: batch });
    expect(roster.escalation['incident-commander']!.users).toEqual(['U0SEC0001']);
    const typo = sniffDocument(
      'r.yaml',
      Buffer.from('kind: patchcall/roster\nroles: {}\nescalation:\n  incident-commander: [U0TYPO]\n'),
    );
    expect(() => rosterFormat.parse(typo)).toThrow(
      'r.yaml (at /escalation/incident-commander/0): U0TYPO is neither in people nor in groups',
    );
    const named = sniffDocument(
      'r.yaml',
      Buffer.from('kind: patchcall/roster\nroles: {}\nescalation:\n  ic: ["@bob"]\n'),
    );
    expect(() => rosterFormat.parse(named)).toThrow(/r\.yaml \(at \/escalation\/ic\/0\)/);
  });

  it('refuses a display name where an id belongs', () => {
    const doc = sniffDocument('r.yaml', Buffer.from('kind: patchcall/roster\nroles:\n  security: ["@alice"]\n'));
    expect(() => rosterFormat.parse(doc)).toThrow(/r\.yaml \(at \/roles\/security\/0\)/);
  });

  it('names every role a person holds, once', () => {
    const members = { security: ['U1X'], network: ['U1X', 'U2X'], sysadmin: [], owner: [], delegate: [] };
    expect(rolesHeld('U1X', members, { ...members, owner: ['U1X'] })).toEqual(['security', 'network', 'owner']);
  });
});
