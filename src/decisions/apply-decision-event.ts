/** A decision's state is the fold of its events: `events.reduce(applyDecisionEvent, initialDecision(id))`. */
import {
  DecisionEvents,
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
  switch (event.type) {
    case DecisionEvents.positionPending:
      return withPendingCheck(next, event);
    case DecisionEvents.callPending:
      return withPendingCall(next, event);
    case DecisionEvents.convened: {
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
    case DecisionEvents.cardPosted: {
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
    case DecisionEvents.channelNamed:
      return { ...next, channelName: (event.payload as ChannelNamedPayload).name };
    case DecisionEvents.channelCreated: {
      const p = event.payload as ChannelCreatedPayload;
      return { ...next, channel: { id: p.id, name: p.name }, channelName: p.name };
    }
    case DecisionEvents.topicSet:
      return { ...next, topic: (event.payload as TopicSetPayload).topic };
    case DecisionEvents.invited: {
      const p = event.payload as InvitedPayload;
      const refused = state.inviteRefused.filter((r) => !p.invited.includes(r.userId));
      return {
        ...next,
        invited: [...new Set([...state.invited, ...p.invited])],
        inviteRefused: [...refused, ...p.refused.filter((r) => !refused.some((o) => o.userId === r.userId))],
        invitesDone: true,
      };
    }
    case DecisionEvents.effectAttempted: {
      const p = event.payload as EffectAttemptedPayload;
      return { ...next, attempts: { ...state.attempts, [p.effect]: p.key } };
    }
    case DecisionEvents.effectFailed: {
      const p = event.payload as EffectFailedPayload;
      return { ...next, failed: { ...state.failed, [p.effect]: p.error } };
    }
    case DecisionEvents.effectsRetried:
      return { ...next, failed: {} };
    case DecisionEvents.callPinned: {
      if (!state.call?.message || (event.payload as CallPinnedPayload).ts !== state.call.message.ts) return next;
      return {
        ...next,
        call: { ...state.call, message: { ...state.call.message, pinned: true } },
      };
    }
    case DecisionEvents.positionRecorded: {
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
      return withKey(
        { ...next, positions: { ...state.positions, [p.userId]: position }, cardVersion: event.seq },
        p.key,
      );
    }
    case DecisionEvents.refused: {
      const p = event.payload as RefusedPayload;
      return withKey(
        {
          ...next,
          refusals: [...state.refusals, { userId: p.userId, attempted: p.attempted, reason: p.reason, at: event.at }],
        },
        p.key,
      );
    }
    case DecisionEvents.called: {
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
    case DecisionEvents.callPosted: {
      const p = event.payload as CallPostedPayload;
      if (!state.call) return next;
      const { call: _done, ...attempts } = state.attempts;
      return {
        ...next,
        attempts,
        call: { ...state.call, message: { channel: p.channel, ts: p.ts, pinned: p.pinned } },
      };
    }
    case DecisionEvents.reminderSent: {
      const p = event.payload as ReminderSentPayload;
      const notice = { key: p.key, kind: p.kind, at: event.at, deadline: p.deadline, point: p.point };
      return withKey(
        withNotice(next, { ...notice, ...(p.every ? { every: p.every } : {}), targets: p.targets ?? [] }),
        p.key,
      );
    }
    case DecisionEvents.defaultPathTaken: {
      const p = event.payload as DefaultPathTakenPayload;
      // the first for a deadline stands; a later deadline (the facts changed) has a default path of its own
      const sameDeadline =
        state.defaultPathTaken && Date.parse(state.defaultPathTaken.deadline) === Date.parse(p.deadline);
      const taken = sameDeadline ? state.defaultPathTaken : { at: event.at, deadline: p.deadline, path: p.path };
      const { key, deadline, path, targets = [], ...said } = p;
      const notice = { key, kind: 'default-path' as const, at: event.at, deadline, path, ...said, targets };
      return withKey(withNotice({ ...next, defaultPathTaken: taken }, notice), key);
    }
    default:
      return applyNoticeEvent(next, event) ?? applyLivingEvent(next, event);
  }
}

export function foldDecision(id: string, events: Iterable<DecisionEvent>): DecisionState {
  let state = initialDecision(id);
  for (const event of events) state = applyDecisionEvent(state, event);
  return state;
}

function withKey(state: DecisionState, key: string): DecisionState {
  return state.keys.includes(key) ? state : { ...state, keys: [...state.keys, key] };
}
