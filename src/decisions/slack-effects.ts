/**
 * What Slack should show for a decision, compared with what the log says was done: the next Slack effect the
 * outbox has to carry out. Pure, so every worker (and a replay) derives the same work from the same events.
 * Effects run in this order because each needs the one before: the channel, its topic, the invitations, the card;
 * then the card kept at the latest state; then the call posted and pinned.
 */
import { everyone } from './apply-roster-event';
import { formatTime } from '../common/time-format';
import { channelNameFor } from './channel-name';
import type { DecisionState } from './decision-model';
import { nextChannelNotice } from './living-decision';
import { nextNoticeEffect, type NoticeEffect } from './notices';
import { nextNamingEffect, type NamePeopleEffect } from './people-to-name';

export type SlackEffect =
  | { kind: 'create-channel'; name: string }
  | { kind: 'set-topic'; channel: string; topic: string }
  | { kind: 'invite'; channel: string; users: string[] }
  /** `look` when an earlier attempt's outcome is unknown: search the channel for the card before posting. */
  | { kind: 'post-card'; channel: string; key: string; look: boolean }
  | { kind: 'update-card'; channel: string; ts: string; version: number }
  | { kind: 'post-call'; channel: string; key: string; look: boolean }
  | { kind: 'pin-call'; channel: string; ts: string }
  /** A message the log asks the channel to hear (facts changed, progress, escalation…), posted once by its key. */
  | { kind: 'post-channel-notice'; channel: string; key: string; look: boolean }
  | NoticeEffect
  | NamePeopleEffect;

const TOPIC_MAX = 250;

/**
 * The next effect, or undefined when Slack already shows what the log says. `sentCardVersion` is the newest card
 * rendering Slack acknowledged (outbox coordination state); the card is behind when the state's version is newer.
 * `timeZone` is the organization's display zone: the topic shows the deadline in it, as every other surface does.
 */
export function nextSlackEffect(
  state: DecisionState,
  sentCardVersion: number,
  timeZone: string,
): SlackEffect | undefined {
  if (state.status === 'new') return undefined;
  const { failed } = state;
  if (!state.channel)
    return failed.channel || !state.channelName ? undefined : { kind: 'create-channel', name: state.channelName };
  const channel = state.channel.id;
  if (state.topic === undefined && !failed.topic && !state.cardTs)
    return { kind: 'set-topic', channel, topic: topicFor(state, timeZone) };
  if (!state.invitesDone && !failed.invite && !state.cardTs) {
    const users = everyone(state.members);
    if (users.length) return { kind: 'invite', channel, users };
  }
  if (!state.cardTs)
    return failed.card
      ? undefined
      : { kind: 'post-card', channel, key: effectKey(state, 'card'), look: state.attempts.card !== undefined };
  if (state.cardVersion > sentCardVersion && !failed.card)
    return { kind: 'update-card', channel, ts: state.cardTs, version: state.cardVersion };
  if (state.call && !state.call.message && !failed.call)
    return { kind: 'post-call', channel, key: effectKey(state, 'call'), look: state.attempts.call !== undefined };
  if (state.call?.message && !state.call.message.pinned && !failed.pin)
    return { kind: 'pin-call', channel: state.call.message.channel, ts: state.call.message.ts };
  const notice = failed['channel-notice'] ? undefined : nextChannelNotice(state);
  if (notice)
    return {
      kind: 'post-channel-notice',
      channel,
      key: notice.key,
      look: state.attempts['channel-notice'] === notice.key,
    };
  return nextNoticeEffect(state) ?? nextNamingEffect(state);
}

/** The idempotency key of a post Slack cannot de-duplicate; it travels in the message metadata. */
export function effectKey(state: DecisionState, effect: 'card' | 'call'): string {
  return `${state.id}:${effect}`;
}

/** The first channel name a decision tries, skipping names other decisions already chose. */
export function firstChannelName(bulletinId: string, takenByOthers: ReadonlySet<string>): string {
  return nextChannelName(bulletinId, 0, takenByOthers);
}

/** The name after `current` (Slack said it is taken by a channel that is not ours). */
export function nextChannelName(
  bulletinId: string,
  currentAttempt: number,
  takenByOthers: ReadonlySet<string>,
): string {
  for (let attempt = currentAttempt + 1; ; attempt++) {
    const name = channelNameFor(bulletinId, attempt);
    if (!takenByOthers.has(name)) return name;
  }
}

/** Which attempt produced `name` (1 for the bare name), so the next one can follow it. */
export function channelAttempt(bulletinId: string, name: string): number {
  for (let attempt = 1; attempt < 1000; attempt++) if (channelNameFor(bulletinId, attempt) === name) return attempt;
  return 1;
}

/**
 * The channel topic as text (the Slack gateway escapes it): the recommendation, the deadline in the organization's
 * zone with UTC beside it (as on every other surface), the title.
 */
export function topicFor(state: DecisionState, timeZone: string): string {
  const summary = state.assessment!.summary;
  const text = `${state.bulletinId}: recommended ${summary.urgency} (${summary.recommendedCall}), deadline ${formatTime(summary.deadline.dueAt, timeZone)}. ${state.bulletin!.title}`;
  return text.length <= TOPIC_MAX ? text : text.slice(0, TOPIC_MAX - 1) + '…';
}
