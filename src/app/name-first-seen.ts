/**
 * The outbox's `name-people` effect (src/decisions/people-to-name.ts): the Slack profiles of people who acted in a
 * decision before anyone recorded their name, asked after the request was acknowledged and recorded as
 * `decision.people-named`, so the record shows the name a person had when they acted, not the one they have at
 * export. Read and appended under one write lock: a second worker finds them named and appends nothing.
 */
import { DecisionEvents, type PeopleNamedPayload } from '../decisions/decision-model';
import { writeTransaction } from '../store/write-transaction';
import type { AppContext } from './app-context';
import { appendDecisionEvent, loadDecision } from './decision-log';
import { committed } from './replica-write';
import type { PersonName } from './name-people';

export interface SlackProfiles {
  names: Record<string, PersonName>;
  /** Users Slack has no profile for (user_not_found, user_not_visible). */
  unknown: string[];
}

export async function nameFirstSeen(
  ctx: AppContext,
  decisionId: string,
  users: string[],
  slack: { profiles(users: string[]): Promise<SlackProfiles> },
): Promise<void> {
  // the click that made someone an actor is answered first: this lookup is never on the interactive path
  await new Promise((resolve) => setImmediate(resolve));
  const answer = await slack.profiles(users);
  await committed(ctx, () =>
    writeTransaction(ctx.db, () => {
      const state = loadDecision(ctx, decisionId);
      const still = new Set(state.unnamedActors ?? []);
      const people: PeopleNamedPayload['people'] = users
        .filter((id) => still.has(id) && answer.names[id])
        .map((id) => {
          const { name, handle } = answer.names[id]!;
          return { userId: id, name, ...(handle ? { handle } : {}), source: 'slack' as const };
        });
      const unknown = users.filter((id) => still.has(id) && !answer.names[id]);
      if (!people.length && !unknown.length) return;
      appendDecisionEvent<PeopleNamedPayload>(ctx, state, DecisionEvents.peopleNamed, 'system', {
        people,
        ...(unknown.length ? { unknown } : {}),
      });
    }),
  );
}
