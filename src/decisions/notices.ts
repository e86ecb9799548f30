/**
 * Notices: the reminders, direct messages and default-path posts the scheduler decides on. The decision to send is
 * an event first (decision.reminder-sent / decision.default-path-taken, carrying the action's idempotency key and
 * its targets); delivering it is an outbox effect derived from the fold, like the card: each target is posted to
 * once, an attempt whose outcome is unknown is looked for in Slack before it is posted again, and a refusal is
 * recorded instead of retried.
 */
import type { DecisionEvent, DecisionState, Notice } from './decision-model';

export const NoticeEvents = {
  /** Written just before a post Slack cannot de-duplicate (the retry looks for the key first). */
  attempted: 'decision.notice-attempted',
  delivered: 'decision.notice-delivered',
  failed: 'decision.notice-failed',
} as const;

export interface NoticeTargetPayload {
  key: string;
  target: string;
}

export interface NoticeDeliveredPayload extends NoticeTargetPayload {
  ts: string;
  /** The message was found in Slack after an unknown outcome, not posted again. */
  found?: boolean;
}

export interface NoticeFailedPayload extends NoticeTargetPayload {
  error: string;
}

export interface NoticeEffect {
  kind: 'post-notice';
  key: string;
  target: string;
  /** An earlier attempt's outcome is unknown: look for the key in Slack before posting. */
  look: boolean;
}

/** A new notice from a reminder-sent or default-path-taken event that names its targets (older ones do not). */
export function withNotice(
  state: DecisionState,
  notice: Omit<Notice, 'delivered' | 'attempted' | 'failed'>,
): DecisionState {
  const notices = state.notices ?? [];
  if (!notice.targets.length || notices.some((n) => n.key === notice.key)) return state;
  return { ...state, notices: [...notices, { ...notice, delivered: {}, attempted: [], failed: {} }] };
}

/** The fold of the delivery events; undefined for an event that is not one of them. */
export function applyNoticeEvent(state: DecisionState, event: DecisionEvent): DecisionState | undefined {
  const update = (change: (notice: Notice, p: NoticeTargetPayload) => Notice): DecisionState => {
    const p = event.payload as NoticeTargetPayload;
    const notices = (state.notices ?? []).map((n) => (n.key === p.key ? change(n, p) : n));
    return { ...state, notices };
  };
  switch (event.type) {
    case NoticeEvents.attempted:
      return update((n, p) => (n.attempted.includes(p.target) ? n : { ...n, attempted: [...n.attempted, p.target] }));
    case NoticeEvents.delivered:
      return update((n, p) => ({
        ...n,
        delivered: { ...n.delivered, [p.target]: (p as NoticeDeliveredPayload).ts },
        attempted: n.attempted.filter((t) => t !== p.target),
      }));
    case NoticeEvents.failed:
      return update((n, p) => ({ ...n, failed: { ...n.failed, [p.target]: (p as NoticeFailedPayload).error } }));
    default:
      return undefined;
  }
}

/** The oldest target of a notice not yet delivered nor refused, if any. */
export function nextNoticeEffect(state: DecisionState): NoticeEffect | undefined {
  for (const notice of state.notices ?? []) {
    const target = notice.targets.find((t) => notice.delivered[t] === undefined && notice.failed[t] === undefined);
    if (target !== undefined)
      return { kind: 'post-notice', key: notice.key, target, look: notice.attempted.includes(target) };
  }
  return undefined;
}

export function noticeOf(state: DecisionState, key: string): Notice | undefined {
  return state.notices?.find((n) => n.key === key);
}
