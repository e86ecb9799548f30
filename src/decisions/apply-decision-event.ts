/** A decision's state is the fold of its events: `events.reduce(applyDecisionEvent, initialDecision(id))`. */
import {
  DecisionEvents,
  withKey,
  type CallPinnedPayload,
  type CallPostedPayload,
  type ChannelCreatedPayload,
  type ChannelNamedPayload,
  type EffectAttemptedPayload,
  type EffectFailedPayload,
  type InvitedPayload,
  type TopicSetPayload,
  type CalledPayload,
  type CardPostedPayload,
  type ConvenedPayload,
  type DecisionEvent,
  type DecisionState,
  type DefaultPathTakenPayload,
  type PositionPayload,
  type RefusedPayload,
  type ReminderSentPayload,
} from './decision-model';
import { applyLivingEvent } from './living-decision';
import { applyNoticeEvent, withNotice } from './notices';
import { trackPeopleNamed } from './people-to-name';
import { settlePendingCheck, withPendingCall, withPendingCheck } from './pending-role-checks';

export function initialDecision(id: string): DecisionState {
  return {
    id,
    bulletinId: id,
    status: 'new',
    invited: [],
    inviteRefused: [],
    invitesDone: false,
    attempts: {},
    failed: {},
    cardVersion: 0,
    assets: [],
    exposures: [],
    members: { security: [], network: [], sysadmin: [], owner: [], delegate: [] },
    positions: {},
    keys: [],
    refusals: [],
    lastSeq: 0,
  };
}

/** Pure and total: an event of an unknown type leaves the state as it was, apart from the sequence number. */
export function applyDecisionEvent(state: DecisionState, event: DecisionEvent): DecisionState {
  return trackPeopleNamed(event, applyEvent(state, event));
}

function applyEvent(state: DecisionState, event: DecisionEvent): DecisionState {
  const next = { ...settlePendingCheck(state, event), lastSeq: event.seq };
  const handler = Object.hasOwn(HANDLERS, event.type) ? HANDLERS[event.type] : undefined;
  return handler ? handler(next, event, state) : (applyNoticeEvent(next, event) ?? applyLivingEvent(next, event));
}

/** `next` is `state` with the sequence number advanced and any pending role check settled. */
type Handler = (next: DecisionState, event: DecisionEvent, state: DecisionState) => DecisionState;

/** One handler per event kind; notices and the living decision's events have their own folds. */
const HANDLERS: Record<string, Handler> = {
  [DecisionEvents.positionPending]: (next, event) => withPendingCheck(next, event),
  [DecisionEvents.callPending]: (next, event) => withPendingCall(next, event),
  [DecisionEvents.convened]: convened,
  [DecisionEvents.cardPosted]: cardPosted,
  [DecisionEvents.channelNamed]: (next, event) => ({
    ...next,
    channelName: (event.payload as ChannelNamedPayload).name,
  }),
  [DecisionEvents.channelCreated]: channelCreated,
  [DecisionEvents.topicSet]: (next, event) => ({ ...next, topic: (event.payload as TopicSetPayload).topic }),
  [DecisionEvents.invited]: invited,
  [DecisionEvents.effectAttempted]: effectAttempted,
  [DecisionEvents.effectFailed]: effectFailed,
  [DecisionEvents.effectsRetried]: (next) => ({ ...next, failed: {} }),
  [DecisionEvents.callPinned]: callPinned,
  [DecisionEvents.positionRecorded]: positionRecorded,
  [DecisionEvents.refused]: refused,
  [DecisionEvents.called]: called,
  [DecisionEvents.callPosted]: callPosted,
  [DecisionEvents.reminderSent]: reminderSent,
  [DecisionEvents.defaultPathTaken]: defaultPathTaken,
};

function convened(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as ConvenedPayload;
  return {
    ...next,
    id: p.decisionId,
    bulletinId: p.bulletinId,
    status: state.call ? 'decided' : 'open',
    convenedAt: event.at,
    convenedBy: event.actor,
    cardVersion: event.seq,
    ...(p.channelName !== undefined ? { channelName: p.channelName } : {}),
    ...(p.channel !== undefined ? { channel: p.channel, channelName: p.channel.name } : {}),
    bulletin: p.bulletin,
    assessment: p.assessment,
    assets: p.assets,
    exposures: p.exposures,
    members: p.members,
    roles: p.roles,
    snapshot: p.snapshot,
  };
}

function cardPosted(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as CardPostedPayload;
  const { card: _done, ...attempts } = state.attempts;
  return {
    ...next,
    cardTs: p.ts,
    attempts,
    ...(p.topic !== undefined ? { topic: p.topic } : {}),
    ...(p.invited !== undefined ? { invited: p.invited, invitesDone: true } : {}),
  };
}

function channelCreated(next: DecisionState, event: DecisionEvent): DecisionState {
  const p = event.payload as ChannelCreatedPayload;
  return { ...next, channel: { id: p.id, name: p.name }, channelName: p.name };
}

function invited(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as InvitedPayload;
  const refused = state.inviteRefused.filter((r) => !p.invited.includes(r.userId));
  return {
    ...next,
    invited: [...new Set([...state.invited, ...p.invited])],
    inviteRefused: [...refused, ...p.refused.filter((r) => !refused.some((o) => o.userId === r.userId))],
    invitesDone: true,
  };
}

function effectAttempted(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as EffectAttemptedPayload;
  return { ...next, attempts: { ...state.attempts, [p.effect]: p.key } };
}

function effectFailed(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as EffectFailedPayload;
  return { ...next, failed: { ...state.failed, [p.effect]: p.error } };
}

function callPinned(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  if (!state.call?.message || (event.payload as CallPinnedPayload).ts !== state.call.message.ts) return next;
  return { ...next, call: { ...state.call, message: { ...state.call.message, pinned: true } } };
}

function positionRecorded(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as PositionPayload;
  if (state.status === 'decided') return withKey(next, p.key);
  const position = {
    userId: p.userId,
    roles: p.roles,
    stance: p.stance,
    at: event.at,
    seq: event.seq,
    ...(p.comment !== undefined ? { comment: p.comment } : {}),
  };
  return withKey({ ...next, positions: withEntry(state.positions, p.userId, position), cardVersion: event.seq }, p.key);
}

/**
 * A copy of the record with one entry set. Copied key by key: V8's object spread of a record with hundreds of keys
 * (a decision's positions) is several times slower, and every click copies them.
 */
function withEntry<T>(record: Record<string, T>, key: string, value: T): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const existing of Object.keys(record)) copy[existing] = record[existing]!;
  copy[key] = value;
  return copy;
}

function refused(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as RefusedPayload;
  const refusal = { userId: p.userId, attempted: p.attempted, reason: p.reason, at: event.at };
  return withKey({ ...next, refusals: [...state.refusals, refusal] }, p.key);
}

function called(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const { userId, key, ...call } = event.payload as CalledPayload;
  // the first call stands; a second one (a race between owner and delegate) is kept in the log only, unless
  // the facts changed since the call and the owner revises it
  if (state.call && !state.living?.factsChanged) return withKey(next, key);
  if (state.call) {
    const { factsChanged: _answered, ...living } = state.living!;
    next.living = living;
  }
  return withKey(
    { ...next, status: 'decided', cardVersion: event.seq, call: { ...call, by: userId, at: event.at } },
    key,
  );
}

function callPosted(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as CallPostedPayload;
  if (!state.call) return next;
  const { call: _done, ...attempts } = state.attempts;
  return { ...next, attempts, call: { ...state.call, message: { channel: p.channel, ts: p.ts, pinned: p.pinned } } };
}

function reminderSent(next: DecisionState, event: DecisionEvent): DecisionState {
  const p = event.payload as ReminderSentPayload;
  const notice = { key: p.key, kind: p.kind, at: event.at, deadline: p.deadline, point: p.point };
  return withKey(
    withNotice(next, { ...notice, ...(p.every ? { every: p.every } : {}), targets: p.targets ?? [] }),
    p.key,
  );
}

function defaultPathTaken(next: DecisionState, event: DecisionEvent, state: DecisionState): DecisionState {
  const p = event.payload as DefaultPathTakenPayload;
  // the first for a deadline stands; a later deadline (the facts changed) has a default path of its own
  const sameDeadline = state.defaultPathTaken && Date.parse(state.defaultPathTaken.deadline) === Date.parse(p.deadline);
  const taken = sameDeadline ? state.defaultPathTaken : { at: event.at, deadline: p.deadline, path: p.path };
  const { key, deadline, path, targets = [], ...said } = p;
  const notice = { key, kind: 'default-path' as const, at: event.at, deadline, path, ...said, targets };
  return withKey(withNotice({ ...next, defaultPathTaken: taken }, notice), key);
}

export function foldDecision(id: string, events: Iterable<DecisionEvent>): DecisionState {
  let state = initialDecision(id);
  for (const event of events) state = applyDecisionEvent(state, event);
  return state;
}
