/**
 * Names as known at the time, for people the roster does not name: the first time someone not yet named in a
 * decision acts in it (convenes, takes a position, comments, makes the call, is refused), the outbox asks Slack
 * for their profile (users.info) after the request is acknowledged, and records it as `decision.people-named`.
 * What is still to ask is derived from the log (an actor without a recorded name), so it is asked once: the event
 * that answers it, a name or "Slack has no profile", takes the person off the list.
 */
import { DecisionEvents, type DecisionEvent, type DecisionState, type PeopleNamedPayload } from './decision-model';

export interface NamePeopleEffect {
  kind: 'name-people';
  users: string[];
}

const SLACK_USER = /^[UW][A-Z0-9]+$/;

/** The person an event shows acting, when that is a Slack user. */
function actorOf(event: DecisionEvent): string | undefined {
  switch (event.type) {
    case DecisionEvents.convened:
      return event.actor;
    case DecisionEvents.positionRecorded:
    case DecisionEvents.refused:
    case DecisionEvents.called:
      return (event.payload as { userId?: string }).userId ?? event.actor;
    default:
      return undefined;
  }
}

/** The fold's bookkeeping of who is named and who acted unnamed; `next` is the state after the event. */
export function trackPeopleNamed(event: DecisionEvent, next: DecisionState): DecisionState {
  if (event.type === DecisionEvents.peopleNamed) {
    const payload = event.payload as PeopleNamedPayload;
    const answered = [...payload.people.map((p) => p.userId), ...(payload.unknown ?? [])];
    const named = [...new Set([...(next.namedPeople ?? []), ...answered])];
    const unnamed = (next.unnamedActors ?? []).filter((id) => !answered.includes(id));
    return { ...next, namedPeople: named, unnamedActors: unnamed };
  }
  const actor = actorOf(event);
  if (!actor || !SLACK_USER.test(actor)) return next;
  if (next.namedPeople?.includes(actor) || next.unnamedActors?.includes(actor)) return next;
  return { ...next, unnamedActors: [...(next.unnamedActors ?? []), actor] };
}

/** Ask Slack for the profiles of the people who acted unnamed, unless Slack refused to answer for good. */
export function nextNamingEffect(state: DecisionState): NamePeopleEffect | undefined {
  if (!state.unnamedActors?.length || state.failed.names) return undefined;
  return { kind: 'name-people', users: [...state.unnamedActors] };
}
