/** One sentence per decision event for the audit timeline, from the event's own payload. */
import { formatTime } from '../common/time-format';
import {
  DecisionEvents,
  type CalledPayload,
  type CallPostedPayload,
  type CardPostedPayload,
  type ConvenedPayload,
  type ExportedPayload,
  type PositionPayload,
  type PeopleNamedPayload,
  type RefusedPayload,
  type DefaultPathTakenPayload,
  type ReminderSentPayload,
} from '../decisions/decision-model';

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
  switch (type) {
    case DecisionEvents.convened: {
      const p = payload as ConvenedPayload;
      const s = p.assessment?.summary;
      return `convened #${p.channel.name} on ${p.bulletinId} ${TRIGGER_WORDS[p.trigger] ?? `(${p.trigger})`}; recommended ${s ? `${s.recommendedCall}, urgency ${s.urgency}, deadline ${time(s.deadline.dueAt)}` : 'nothing'}; ${p.assets.length} affected asset${p.assets.length === 1 ? '' : 's'}`;
    }
    case DecisionEvents.cardPosted: {
      const p = payload as CardPostedPayload;
      const corrected =
        context.deadline && !p.topic.includes(time(context.deadline))
          ? ` (recorded text; the deadline is ${time(context.deadline)})`
          : '';
      return `posted the decision card (ts ${p.ts}), topic "${p.topic}"${corrected}, invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}`;
    }
    case DecisionEvents.peopleNamed: {
      const p = payload as PeopleNamedPayload;
      return `recorded the names of ${p.people.map((n) => `${n.userId} as ${n.name}${n.handle ? ` (@${n.handle})` : ''} from ${n.source}`).join(', ')}`;
    }
    case DecisionEvents.positionRecorded: {
      const p = payload as PositionPayload;
      return `${STANCE_WORDS[p.stance] ?? p.stance} as ${p.roles.join(' and ')}${p.comment ? `: ${p.comment}` : ''}`;
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
      return type;
  }
}
