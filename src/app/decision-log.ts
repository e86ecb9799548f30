/**
 * Reading decisions back from the event log (their state is the fold of their stream) and appending to them.
 * The folds are kept per context and brought up to the log's head on every read: a button click or `/patch status`
 * would otherwise parse every decision event (the convene payload carries the whole assessment) on each request.
 */
import { PatchcallError } from '../common/errors';
import { applyDecisionEvent, initialDecision } from '../decisions/apply-decision-event';
import { DecisionEvents, decisionStream, type ConvenedPayload, type DecisionState } from '../decisions/decision-model';
import { GENESIS_HASH } from '../audit/hash-chain';
import type { AppContext } from './app-context';

const STREAM_PREFIX = decisionStream('');

interface DecisionFolds {
  /** Every decision event up to here is folded in. */
  seq: number;
  /** The hash of event `seq` (the chain's genesis at 0): the fold is only as good as the log still holding it. */
  hash: string;
  /** In the order they were convened. */
  ids: string[];
  states: Map<string, DecisionState>;
}

/** Folds of committed events only. */
const committedFolds = new WeakMap<AppContext, DecisionFolds>();
/**
 * Folds that include events written inside the open transaction (a group commit's clicks see each other's). They
 * replace the committed folds once the log is seen to hold their last event outside a transaction, and are dropped
 * when it does not (the transaction, or the savepoint that wrote it, was rolled back).
 */
const transactionFolds = new WeakMap<AppContext, DecisionFolds>();

/**
 * The folds as of the log's head. Reading the head first costs one indexed row; other processes (the CLI, a second
 * app) may append to the same database, which is why the head is asked each time instead of trusting our appends.
 */
function currentFolds(ctx: AppContext): DecisionFolds {
  let committed = committedFolds.get(ctx);
  if (!committed) committedFolds.set(ctx, (committed = { seq: 0, hash: GENESIS_HASH, ids: [], states: new Map() }));
  const head = ctx.events.head();
  const pending = transactionFolds.get(ctx);
  if (!ctx.db.inTransaction) {
    transactionFolds.delete(ctx);
    if (pending && pending.seq >= committed.seq && stillInLog(ctx, pending, head)) {
      committedFolds.set(ctx, pending);
      committed = pending;
    }
    return foldUpTo(ctx, committed, head);
  }
  const valid = pending && pending.seq >= committed.seq && stillInLog(ctx, pending, head);
  const folds = valid ? pending : { ...committed, ids: [...committed.ids], states: new Map(committed.states) };
  transactionFolds.set(ctx, folds);
  return foldUpTo(ctx, folds, head);
}

/** Whether the log still holds the event the folds end with (the hash chains every event before it too). */
function stillInLog(ctx: AppContext, folds: DecisionFolds, head: { seq: number; hash: string }): boolean {
  if (folds.seq === head.seq) return folds.hash === head.hash;
  return folds.seq < head.seq && (folds.seq === 0 || ctx.events.hashAt(folds.seq) === folds.hash);
}

function foldUpTo(ctx: AppContext, folds: DecisionFolds, head: { seq: number; hash: string }): DecisionFolds {
  if (head.seq === folds.seq) return folds;
  // only appendDecisionEvent writes decision events, always into the decision's own stream
  for (const event of ctx.events.read<ConvenedPayload>({ streamPrefix: STREAM_PREFIX, afterSeq: folds.seq })) {
    if (event.seq > head.seq) break; // another process appended after head(): the next read folds it
    const id = event.stream.slice(STREAM_PREFIX.length);
    folds.states.set(id, applyDecisionEvent(folds.states.get(id) ?? initialDecision(id), event));
    if (event.type === DecisionEvents.convened && !folds.ids.includes(event.payload.decisionId))
      folds.ids.push(event.payload.decisionId);
  }
  folds.seq = head.seq;
  folds.hash = head.hash;
  return folds;
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
  // this event here, so the next read does not fold (and copy every position of) the same event again. Inside a
  // transaction only the transaction's folds move: the event may still be rolled back.
  const folds = (ctx.db.inTransaction ? transactionFolds : committedFolds).get(ctx);
  if (folds?.hash === stored.prevHash && folds.states.get(state.id) === state && state.lastSeq > 0) {
    folds.states.set(state.id, next);
    folds.seq = stored.seq;
    folds.hash = stored.hash;
  }
  return next;
}
