/**
 * Names as known at the time: the people a decision sees are named in its own stream (`decision.people-named`)
 * the first time, and again only when a name or handle changed. The audit record shows each event's actor under
 * the name recorded before it, so renaming someone in Slack or in the roster later never rewrites history.
 * Names come from Slack profiles (users.info) when the caller has them, else from the roster.
 */
import { applyDecisionEvent } from '../decisions/apply-decision-event';
import {
  DecisionEvents,
  decisionStream,
  type DecisionState,
  type PeopleNamedPayload,
} from '../decisions/decision-model';
import type { AppContext } from './app-context';
import { readRoster } from './roles-roster';
import { writeTransaction } from '../store/write-transaction';

export type PersonName = Omit<PeopleNamedPayload['people'][number], 'userId'>;

/** Everyone the decision's events name: actors, people in payloads, role members. */
function peopleOf(ctx: AppContext, stream: string): { ids: Set<string>; known: Map<string, PersonName> } {
  const ids = new Set<string>();
  const known = new Map<string, PersonName>();
  for (const event of ctx.events.read<Record<string, unknown>>({ stream })) {
    if (event.type === DecisionEvents.peopleNamed) {
      for (const p of (event.payload as unknown as PeopleNamedPayload).people) known.set(p.userId, p);
      continue;
    }
    ids.add(event.actor);
    const userId = event.payload?.userId;
    if (typeof userId === 'string') ids.add(userId);
    const members = event.payload?.members as Record<string, string[]> | undefined;
    if (event.type === DecisionEvents.convened && members)
      for (const list of Object.values(members)) for (const id of list) ids.add(id);
  }
  ids.delete('system');
  return { ids, known };
}

/** The ids of everyone the decision's events name, for asking Slack for their profiles. */
export function decisionPeople(ctx: AppContext, decisionId: string): string[] {
  return [...peopleOf(ctx, decisionStream(decisionId)).ids].filter((id) => /^[UW][A-Z0-9]+$/.test(id)).sort();
}

/**
 * Records the names of the decision's people not named yet (or renamed since). `names` are what the caller knows
 * better than the roster (Slack profiles, the CLI's `--as`). Returns the state after, and the event's people.
 */
export function recordPeopleNames(
  ctx: AppContext,
  state: DecisionState,
  names: Record<string, PersonName> = {},
): DecisionState {
  // read and appended under one write lock: two processes naming the same people append one event, not two
  return writeTransaction(ctx.db, () => namePeople(ctx, state, names));
}

function namePeople(ctx: AppContext, state: DecisionState, names: Record<string, PersonName>): DecisionState {
  const stream = decisionStream(state.id);
  const { ids, known } = peopleOf(ctx, stream);
  for (const id of Object.keys(names)) ids.add(id);
  const roster = readRoster(ctx).names;
  const changed: PeopleNamedPayload['people'] = [];
  for (const id of [...ids].sort()) {
    const current = names[id] ?? (roster[id] ? { name: roster[id], source: 'roster' as const } : undefined);
    if (!current) continue;
    const before = known.get(id);
    if (before && before.name === current.name && (before.handle ?? '') === (current.handle ?? '')) continue;
    // a roster name never replaces a Slack profile name already recorded: it is the less precise source
    if (before && before.source === 'slack' && current.source === 'roster') continue;
    changed.push({
      userId: id,
      name: current.name,
      ...(current.handle ? { handle: current.handle } : {}),
      source: current.source,
    });
  }
  if (!changed.length) return state;
  const stored = ctx.events.append<PeopleNamedPayload>({
    type: DecisionEvents.peopleNamed,
    stream,
    actor: 'system',
    payload: { people: changed },
  });
  return applyDecisionEvent(state, stored);
}
