/** Reading decisions back from the event log (their state is the fold of their stream) and appending to them. */
import { PatchcallError } from '../common/errors';
import { applyDecisionEvent, foldDecision } from '../decisions/apply-decision-event';
import { DecisionEvents, decisionStream, type ConvenedPayload, type DecisionState } from '../decisions/decision-model';
import type { AppContext } from './app-context';

export function loadDecision(ctx: AppContext, decisionId: string): DecisionState {
  return foldDecision(decisionId, ctx.events.read({ stream: decisionStream(decisionId) }));
}

/** Decision ids in the order they were convened. */
export function decisionIds(ctx: AppContext): string[] {
  return [...new Set([...ctx.events.read<ConvenedPayload>({ type: DecisionEvents.convened })].map((e) => e.payload.decisionId))];
}

/** A decision by its id, in any letter case (people type `ms08-067`). */
export function findDecision(ctx: AppContext, idText: string): DecisionState {
  const id = decisionIds(ctx).find((known) => known.toLowerCase() === idText.trim().toLowerCase());
  if (!id) throw new PatchcallError('NOT_FOUND', `no decision "${idText}" (\`/patch status\` lists them)`);
  return loadDecision(ctx, id);
}

export function listDecisions(ctx: AppContext): DecisionState[] {
  return decisionIds(ctx).map((id) => loadDecision(ctx, id));
}

/** Channels recorded by decisions, by name, with the bulletin each was opened for. */
export function recordedChannels(ctx: AppContext): Map<string, { id: string; bulletinId: string }> {
  const channels = new Map<string, { id: string; bulletinId: string }>();
  for (const event of ctx.events.read<ConvenedPayload>({ type: DecisionEvents.convened })) {
    channels.set(event.payload.channel.name, { id: event.payload.channel.id, bulletinId: event.payload.bulletinId });
  }
  return channels;
}

export function appendDecisionEvent<P>(ctx: AppContext, state: DecisionState, type: string, actor: string, payload: P): DecisionState {
  const stored = ctx.events.append<P>({ type, stream: decisionStream(state.id), actor, payload });
  return applyDecisionEvent(state, stored);
}
