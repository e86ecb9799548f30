/**
 * Reading decisions back from the event log (their state is the fold of their stream) and appending to them.
 * The folds are kept per context and brought up to the log's head on every read: a button click or `/patch status`
 * would otherwise parse every decision event (the convene payload carries the whole assessment) on each request.
 */
import { PatchcallError } from '../common/errors';
import { applyDecisionEvent, initialDecision } from '../decisions/apply-decision-event';
import { DecisionEvents, decisionStream, type ConvenedPayload, type DecisionState } from '../decisions/decision-model';
import type { AppContext } from './app-context';

const STREAM_PREFIX = decisionStream('');

interface DecisionFolds {
  /** Every decision event up to here is folded in. */
  seq: number;
  /** In the order they were convened. */
  ids: string[];
  states: Map<string, DecisionState>;
}

const folds = new WeakMap<AppContext, DecisionFolds>();

/**
 * The folds as of the log's head. Reading the head first costs one indexed row; other processes (the CLI, a second
 * app) may append to the same database, which is why the head is asked each time instead of trusting our appends.
 */
function currentFolds(ctx: AppContext): DecisionFolds {
  let cached = folds.get(ctx);
  if (!cached) folds.set(ctx, (cached = { seq: 0, ids: [], states: new Map() }));
  const head = ctx.events.head().seq;
  if (head === cached.seq) return cached;
  let seq = cached.seq;
  // only appendDecisionEvent writes decision events, always into the decision's own stream
  for (const event of ctx.events.read<ConvenedPayload>({ streamPrefix: STREAM_PREFIX, afterSeq: cached.seq })) {
    const id = event.stream.slice(STREAM_PREFIX.length);
    const state = cached.states.get(id) ?? initialDecision(id);
    // an append by another process between head() and this read shows up here and again on the next read
    if (event.seq > state.lastSeq) cached.states.set(id, applyDecisionEvent(state, event));
    if (event.type === DecisionEvents.convened && !cached.ids.includes(event.payload.decisionId))
      cached.ids.push(event.payload.decisionId);
    seq = Math.max(seq, event.seq);
  }
  cached.seq = Math.max(seq, head);
  return cached;
}

/**
 * The folds as they are now, to put back after a transaction the caller rolls back: what was folded inside it
 * (events that were never committed) must not outlive it. States are immutable, so a shallow copy keeps them.
 */
export function foldsCheckpoint(ctx: AppContext): () => void {
  const kept = folds.get(ctx);
  const copy = kept && { seq: kept.seq, ids: [...kept.ids], states: new Map(kept.states) };
  return () => {
    if (copy) folds.set(ctx, copy);
    else folds.delete(ctx);
  };
}

/** The state is shared with other readers: treat it as immutable (applyDecisionEvent never changes its input). */
export function loadDecision(ctx: AppContext, decisionId: string): DecisionState {
  return currentFolds(ctx).states.get(decisionId) ?? initialDecision(decisionId);
}

/** Decision ids in the order they were convened. */
export function decisionIds(ctx: AppContext): string[] {
  return [...currentFolds(ctx).ids];
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

export function appendDecisionEvent<P>(
  ctx: AppContext,
  state: DecisionState,
  type: string,
  actor: string,
  payload: P,
): DecisionState {
  const stored = ctx.events.append<P>({ type, stream: decisionStream(state.id), actor, payload });
  const next = applyDecisionEvent(state, stored);
  // the fold of the decision as of the event before this one, with nothing appended in between: it moves on to
  // this event here, so the next read does not fold (and copy every position of) the same event again. Only once
  // committed: inside a caller's transaction the event may still be rolled back.
  const cached = folds.get(ctx);
  const committed = !ctx.db.inTransaction;
  if (committed && cached?.seq === stored.seq - 1 && cached.states.get(state.id) === state && state.lastSeq > 0) {
    cached.states.set(state.id, next);
    cached.seq = stored.seq;
  }
  return next;
}
