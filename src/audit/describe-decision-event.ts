/** One sentence per decision event for the audit timeline, from the event's own payload. */
import {
  DecisionEvents,
  type CalledPayload,
  type CallPostedPayload,
  type CardPostedPayload,
  type ChannelCreatedPayload,
  type ConvenedPayload,
  type EffectFailedPayload,
  type InvitedPayload,
  type TopicSetPayload,
  type ExportedPayload,
  type PositionPayload,
  type RefusedPayload,
} from '../decisions/decision-model';

const STANCE_WORDS: Record<string, string> = {
  agree: 'agreed with the recommendation',
  alternative: 'proposed an alternative',
  'more-info': 'asked for more information',
};

export function describeDecisionEvent(type: string, payload: unknown): string {
  switch (type) {
    case DecisionEvents.convened: {
      const p = payload as ConvenedPayload;
      const s = p.assessment?.summary;
      return `convened #${p.channel?.name ?? p.channelName} on ${p.bulletinId} (${p.trigger}); recommended ${s ? `${s.recommendedCall}, urgency ${s.urgency}, by ${s.deadline.dueAt}` : 'nothing'}; ${p.assets.length} affected asset${p.assets.length === 1 ? '' : 's'}`;
    }
    case DecisionEvents.cardPosted: {
      const p = payload as CardPostedPayload;
      if (p.topic === undefined || p.invited === undefined)
        return `${p.found ? 'found' : 'posted'} the decision card (ts ${p.ts})`;
      return `posted the decision card (ts ${p.ts}), topic "${p.topic}", invited ${p.invited.length} people`;
    }
    case DecisionEvents.channelCreated: {
      const p = payload as ChannelCreatedPayload;
      return `${p.found ? 'found its channel' : 'created the channel'} #${p.name} (${p.id})`;
    }
    case DecisionEvents.topicSet:
      return `set the channel topic to "${(payload as TopicSetPayload).topic}"`;
    case DecisionEvents.invited: {
      const p = payload as InvitedPayload;
      const refused = p.refused.map((r) => `${r.userId} (${r.error})`).join(', ');
      return `invited ${p.invited.length} ${p.invited.length === 1 ? 'person' : 'people'}${refused ? `; Slack refused ${refused}` : ''}`;
    }
    case DecisionEvents.effectFailed: {
      const p = payload as EffectFailedPayload;
      return `Slack refused the ${p.effect} for good: ${p.error}`;
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
      return `made the call as ${p.as}: ${p.outcome} (recommended ${p.recommendedCall}); ${p.quorumMet ? 'quorum met' : `without quorum: ${p.overrideReason ?? 'no reason recorded'}`}; rationale: ${p.rationale}`;
    }
    case DecisionEvents.callPosted: {
      const p = payload as CallPostedPayload;
      return `posted the call in the channel (ts ${p.ts})${p.pinned ? ' and pinned it' : ''}`;
    }
    case DecisionEvents.exported: {
      const p = payload as ExportedPayload;
      return `exported the audit record through event #${p.coversThroughSeq}: ${p.files.map((f) => `${f.name} (sha256 ${f.sha256.slice(0, 12)}…)`).join(', ')}`;
    }
    default:
      return type;
  }
}
