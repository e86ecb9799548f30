/** The roster as the fold of roster imports and `role.assigned` events; role changes and refused attempts. */
import {
  applyRosterEvent,
  initialRoster,
  type RoleAssignedPayload,
  type RoleRefusedPayload,
  type RosterEvent,
  type RosterState,
} from '../decisions/apply-roster-event';
import { ROSTER_STREAM, RosterEvents, type Role } from '../decisions/decision-model';
import type { RosterBatch } from '../decisions/roster-format';
import type { AppContext } from './app-context';
import { SOURCE_IMPORTED, type SourceImportedPayload } from './import-documents';

export function readRoster(ctx: AppContext): RosterState {
  const events: (RosterEvent & { seq: number })[] = [];
  for (const event of ctx.events.read<SourceImportedPayload>({ type: SOURCE_IMPORTED })) {
    if (event.payload.batch.kind === 'roster')
      events.push({ seq: event.seq, type: 'roster.imported', payload: event.payload.batch as RosterBatch });
  }
  for (const event of ctx.events.read<RoleAssignedPayload>({ stream: ROSTER_STREAM, type: RosterEvents.assigned })) {
    events.push({ seq: event.seq, type: RosterEvents.assigned, payload: event.payload });
  }
  return events.sort((a, b) => a.seq - b.seq).reduce(applyRosterEvent, initialRoster());
}

function assignRole(ctx: AppContext, actor: string, role: Role, users: string[], groups: string[]): RosterState {
  ctx.events.append<RoleAssignedPayload>({
    type: RosterEvents.assigned,
    stream: ROSTER_STREAM,
    actor,
    payload: { role, users, groups },
  });
  return readRoster(ctx);
}

export type RoleChangeResult = { kind: 'changed'; roster: RosterState } | { kind: 'refused'; reason: string };

const NOT_AN_ADMIN = 'not a patchcall admin (PATCHCALL_ADMINS)';

/** `/patch roles set`: only admins change roles; anyone else's attempt (with what they typed) is kept on the record. */
export function changeRole(
  ctx: AppContext,
  request: { userId: string; text: string; role: Role; users: string[]; groups: string[]; admins: readonly string[] },
): RoleChangeResult {
  if (!request.admins.includes(request.userId)) {
    ctx.events.append<RoleRefusedPayload>({
      type: RosterEvents.refused,
      stream: ROSTER_STREAM,
      actor: request.userId,
      payload: { userId: request.userId, text: request.text, reason: NOT_AN_ADMIN },
    });
    return { kind: 'refused', reason: NOT_AN_ADMIN };
  }
  return { kind: 'changed', roster: assignRole(ctx, request.userId, request.role, request.users, request.groups) };
}
