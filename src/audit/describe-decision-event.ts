/** One sentence per decision event for the audit timeline, from the event's own payload. */
import { formatTime } from '../common/time-format';
import { describeUploadEvent } from './record-effects';
import {
  DecisionEvents,
  type CalledPayload,
  type CallPendingPayload,
  type CallPostedPayload,
  type CallPinnedPayload,
  type CardPostedPayload,
  type ChannelCreatedPayload,
  type ChannelNamedPayload,
  type EffectAttemptedPayload,
  type ConvenedPayload,
  type EffectFailedPayload,
  type InvitedPayload,
  type TopicSetPayload,
  type ExportedPayload,
  type PositionPayload,
  type PositionPendingPayload,
  type PeopleNamedPayload,
  type RefusedPayload,
  type DefaultPathTakenPayload,
  type ReminderSentPayload,
} from '../decisions/decision-model';
import { describeLivingEvent } from '../decisions/living-decision';
import { reachedNobody } from '../decisions/escalation-reach';
import {
  NoticeEvents,
  type NoticeDeliveredPayload,
  type NoticeFailedPayload,
  type NoticeTargetPayload,
} from '../decisions/notices';

const STANCE_WORDS: Record<string, string> = {
  agree: 'agreed with the recommendation',
  alternative: 'proposed an alternative',
  'more-info': 'asked for more information',
};

const TRIGGER_WORDS: Record<string, string> = {
  command: 'by /patch open',
  import: 'when the bulletin arrived',
  'new-bulletin': 'from a bulletin typed in with /patch new',
};

export interface DescribeContext {
  /** The organization's zone, for times in the sentences. */
  timeZone: string;
  /** The deadline recorded at convening, to correct text recorded with a wrong time (the old channel topic). */
  deadline?: string;
}

export function describeDecisionEvent(type: string, payload: unknown, context: DescribeContext): string {
  const describe = Object.hasOwn(DESCRIBERS, type) ? DESCRIBERS[type] : undefined;
  if (describe) return describe(payload, wording(context));
  return (
    describeNoticeEvent(type, payload) ??
    describeUploadEvent(type, payload) ??
    describeLivingEvent(type, payload) ??
    type
  );
}

interface Wording {
  time: (iso: string) => string;
  /** Said after recorded topic text that shows another deadline than the one recorded at convening. */
  correctedTopic: (topic: string) => string;
}

function wording(context: DescribeContext): Wording {
  const time = (iso: string) => formatTime(iso, context.timeZone);
  const correctedTopic = (topic: string) =>
    context.deadline && !topic.includes(time(context.deadline))
      ? ` (recorded text; the deadline is ${time(context.deadline)})`
      : '';
  return { time, correctedTopic };
}

/** One sentence per event kind; notices, uploads and the living decision's events are described beside them. */
const DESCRIBERS: Record<string, (payload: unknown, say: Wording) => string> = {
  [DecisionEvents.convened]: (payload, { time }) => {
    const p = payload as ConvenedPayload;
    const s = p.assessment?.summary;
    return `convened #${p.channel?.name ?? p.channelName} on ${p.bulletinId} ${TRIGGER_WORDS[p.trigger] ?? `(${p.trigger})`}; recommended ${s ? `${s.recommendedCall}, urgency ${s.urgency}, deadline ${time(s.deadline.dueAt)}` : 'nothing'}; ${p.assets.length} affected asset${p.assets.length === 1 ? '' : 's'}`;
  },
  [DecisionEvents.cardPosted]: (payload, { correctedTopic }) => {
    const p = payload as CardPostedPayload;
    // the outbox records the topic and the invitations as events of their own; older cards carry them here
    if (p.topic === undefined || p.invited === undefined)
      return `${p.found ? 'found the decision card it had posted' : 'posted the decision card'} (ts ${p.ts})`;
    return `posted the decision card (ts ${p.ts}), topic "${p.topic}"${correctedTopic(p.topic)}, invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}`;
  },
  [DecisionEvents.peopleNamed]: (payload) => {
    const p = payload as PeopleNamedPayload;
    return `recorded the names of ${p.people.map((n) => `${n.userId} as ${n.name}${n.handle ? ` (@${n.handle})` : ''} from ${n.source}`).join(', ')}`;
  },
  [DecisionEvents.channelCreated]: (payload) => {
    const p = payload as ChannelCreatedPayload;
    return `${p.found ? 'found its channel' : 'created the channel'} #${p.name} (${p.id})`;
  },
  [DecisionEvents.channelNamed]: (payload) =>
    `chose the channel name #${(payload as ChannelNamedPayload).name} (the one before was taken)`,
  [DecisionEvents.topicSet]: (payload, { correctedTopic }) => {
    const { topic } = payload as TopicSetPayload;
    return `set the channel topic to "${topic}"${correctedTopic(topic)}`;
  },
  [DecisionEvents.invited]: (payload) => {
    const p = payload as InvitedPayload;
    const refused = p.refused.map((r) => `${r.userId} (${r.error})`).join(', ');
    return `invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}${refused ? `; Slack refused ${refused}` : ''}`;
  },
  [DecisionEvents.effectAttempted]: (payload) => {
    const p = payload as EffectAttemptedPayload;
    return `began posting the ${p.effect === 'card' ? 'decision card' : 'call'} (key ${p.key})`;
  },
  [DecisionEvents.callPinned]: (payload) => `pinned the call in the channel (ts ${(payload as CallPinnedPayload).ts})`,
  [DecisionEvents.effectsRetried]: () => 'asked to try again the Slack steps that Slack had refused',
  [DecisionEvents.effectFailed]: (payload) => {
    const p = payload as EffectFailedPayload;
    return `Slack refused the ${p.effect} for good: ${p.error}`;
  },
  [DecisionEvents.positionRecorded]: (payload) => {
    const p = payload as PositionPayload;
    return `${STANCE_WORDS[p.stance] ?? p.stance} as ${p.roles.join(' and ')}${p.comment ? `: ${p.comment}` : ''}`;
  },
  [DecisionEvents.positionPending]: (payload) => {
    const p = payload as PositionPendingPayload;
    return `${STANCE_WORDS[p.stance] ?? p.stance}, pending a check with Slack of the groups ${p.groups.join(', ')}${p.comment ? `: ${p.comment}` : ''}`;
  },
  [DecisionEvents.callPending]: (payload) => {
    const p = payload as CallPendingPayload;
    return `made the call ${p.outcome}, pending a check with Slack of the groups ${p.groups.join(', ')}; rationale: ${p.rationale}`;
  },
  [DecisionEvents.refused]: (payload) => {
    const p = payload as RefusedPayload;
    return `was refused (${p.attempted}): ${p.reason}`;
  },
  [DecisionEvents.called]: (payload) => {
    const p = payload as CalledPayload;
    return `made the call as ${p.as}: ${p.outcome} (recommended ${p.recommendedCall}); ${p.quorumMet ? 'the quorum was met' : `made without quorum, because: ${p.overrideReason ?? 'no reason recorded'}`}; rationale: ${p.rationale}`;
  },
  [DecisionEvents.callPosted]: (payload) => {
    const p = payload as CallPostedPayload;
    return `posted the call in the channel (ts ${p.ts})${p.pinned ? ' and pinned it' : ''}`;
  },
  [DecisionEvents.exported]: (payload) => {
    const p = payload as ExportedPayload;
    return `exported the audit record through event #${p.coversThroughSeq}: ${p.files.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ')}`;
  },
  [DecisionEvents.reminderSent]: (payload, { time }) => {
    const p = payload as ReminderSentPayload;
    const what = p.kind === 'direct-message' ? 'messaged the owner and the delegate' : 'reminded the channel';
    const when = p.kind === 'overdue-reminder' ? `overdue (${p.point})` : `${p.point} before the deadline`;
    return `${what}, ${when} ${time(p.deadline)}; no call yet`;
  },
  [DecisionEvents.defaultPathTaken]: (payload, { time }) => {
    const p = payload as DefaultPathTakenPayload;
    return `the deadline ${time(p.deadline)} passed with no call: took the default path (${p.path === 'escalate' ? escalatedTo(p) : 'reminding on'})`;
  },
};

/** The outbox's delivery of a reminder or default-path notice (src/decisions/notices.ts). */
function describeNoticeEvent(type: string, payload: unknown): string | undefined {
  const p = payload as NoticeTargetPayload;
  const to = /^[UW]/.test(p.target) ? `a direct message to ${p.target}` : `a notice in ${p.target}`;
  switch (type) {
    case NoticeEvents.attempted:
      return `about to post ${to} (${p.key})`;
    case NoticeEvents.delivered:
      return `${(p as NoticeDeliveredPayload).found ? 'found' : 'posted'} ${to} (ts ${(p as NoticeDeliveredPayload).ts}, ${p.key})`;
    case NoticeEvents.failed:
      return `Slack refused ${to} (${(p as NoticeFailedPayload).error}, ${p.key})`;
    default:
      return undefined;
  }
}

/** Whom the default path escalated to; an escalation that reached nobody says so (src/decisions/escalation-reach.ts). */
function escalatedTo(p: DefaultPathTakenPayload): string {
  const to = p.escalatedTo ?? 'the escalation role';
  if (p.reached && !p.reached.users.length && !p.reached.groups.length)
    return reachedNobody(to, p.reached.groupsUnknown);
  return `escalated to ${to}`;
}
