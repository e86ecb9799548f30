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
  const time = (iso: string) => formatTime(iso, context.timeZone);
  const correctedTopic = (topic: string) =>
    context.deadline && !topic.includes(time(context.deadline))
      ? ` (recorded text; the deadline is ${time(context.deadline)})`
      : '';
  switch (type) {
    case DecisionEvents.convened: {
      const p = payload as ConvenedPayload;
      const s = p.assessment?.summary;
      return `convened #${p.channel?.name ?? p.channelName} on ${p.bulletinId} ${TRIGGER_WORDS[p.trigger] ?? `(${p.trigger})`}; recommended ${s ? `${s.recommendedCall}, urgency ${s.urgency}, deadline ${time(s.deadline.dueAt)}` : 'nothing'}; ${p.assets.length} affected asset${p.assets.length === 1 ? '' : 's'}`;
    }
    case DecisionEvents.cardPosted: {
      const p = payload as CardPostedPayload;
      // the outbox records the topic and the invitations as events of their own; older cards carry them here
      if (p.topic === undefined || p.invited === undefined)
        return `${p.found ? 'found the decision card it had posted' : 'posted the decision card'} (ts ${p.ts})`;
      return `posted the decision card (ts ${p.ts}), topic "${p.topic}"${correctedTopic(p.topic)}, invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}`;
    }
    case DecisionEvents.peopleNamed: {
      const p = payload as PeopleNamedPayload;
      return `recorded the names of ${p.people.map((n) => `${n.userId} as ${n.name}${n.handle ? ` (@${n.handle})` : ''} from ${n.source}`).join(', ')}`;
    }
    case DecisionEvents.channelCreated: {
      const p = payload as ChannelCreatedPayload;
      return `${p.found ? 'found its channel' : 'created the channel'} #${p.name} (${p.id})`;
    }
    case DecisionEvents.channelNamed:
      return `chose the channel name #${(payload as ChannelNamedPayload).name} (the one before was taken)`;
    case DecisionEvents.topicSet: {
      const { topic } = payload as TopicSetPayload;
      return `set the channel topic to "${topic}"${correctedTopic(topic)}`;
    }
    case DecisionEvents.invited: {
      const p = payload as InvitedPayload;
      const refused = p.refused.map((r) => `${r.userId} (${r.error})`).join(', ');
      return `invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}${refused ? `; Slack refused ${refused}` : ''}`;
    }
    case DecisionEvents.effectAttempted: {
      const p = payload as EffectAttemptedPayload;
      return `began posting the ${p.effect === 'card' ? 'decision card' : 'call'} (key ${p.key})`;
    }
    case DecisionEvents.callPinned:
      return `pinned the call in the channel (ts ${(payload as CallPinnedPayload).ts})`;
    case DecisionEvents.effectsRetried:
      return 'asked to try again the Slack steps that Slack had refused';
    case DecisionEvents.effectFailed: {
      const p = payload as EffectFailedPayload;
      return `Slack refused the ${p.effect} for good: ${p.error}`;
    }
    case DecisionEvents.positionRecorded: {
      const p = payload as PositionPayload;
      return `${STANCE_WORDS[p.stance] ?? p.stance} as ${p.roles.join(' and ')}${p.comment ? `: ${p.comment}` : ''}`;
    }
    case DecisionEvents.positionPending: {
      const p = payload as PositionPendingPayload;
      return `${STANCE_WORDS[p.stance] ?? p.stance}, pending a check with Slack of the groups ${p.groups.join(', ')}${p.comment ? `: ${p.comment}` : ''}`;
    }
    case DecisionEvents.callPending: {
      const p = payload as CallPendingPayload;
      return `made the call ${p.outcome}, pending a check with Slack of the groups ${p.groups.join(', ')}; rationale: ${p.rationale}`;
    }
    case DecisionEvents.refused: {
      const p = payload as RefusedPayload;
      return `was refused (${p.attempted}): ${p.reason}`;
    }
    case DecisionEvents.called: {
      const p = payload as CalledPayload;
      return `made the call as ${p.as}: ${p.outcome} (recommended ${p.recommendedCall}); ${p.quorumMet ? 'the quorum was met' : `made without quorum, because: ${p.overrideReason ?? 'no reason recorded'}`}; rationale: ${p.rationale}`;
    }
    case DecisionEvents.callPosted: {
      const p = payload as CallPostedPayload;
      return `posted the call in the channel (ts ${p.ts})${p.pinned ? ' and pinned it' : ''}`;
    }
    case DecisionEvents.exported: {
      const p = payload as ExportedPayload;
      return `exported the audit record through event #${p.coversThroughSeq}: ${p.files.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ')}`;
    }
    case DecisionEvents.reminderSent: {
      const p = payload as ReminderSentPayload;
      const what = p.kind === 'direct-message' ? 'messaged the owner and the delegate' : 'reminded the channel';
      const when = p.kind === 'overdue-reminder' ? `overdue (${p.point})` : `${p.point} before the deadline`;
      return `${what}, ${when} ${time(p.deadline)}; no call yet`;
    }
    case DecisionEvents.defaultPathTaken: {
      const p = payload as DefaultPathTakenPayload;
      return `the deadline ${time(p.deadline)} passed with no call: took the default path (${p.path === 'escalate' ? `escalated to ${p.escalatedTo ?? 'the escalation role'}` : 'reminding on'})`;
    }
    default:
      return (
        describeNoticeEvent(type, payload) ??
        describeUploadEvent(type, payload) ??
        describeLivingEvent(type, payload) ??
        type
      );
  }
}

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
