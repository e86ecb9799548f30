/**
 * The outbox's delivery of a notice (src/decisions/notices.ts) to one target: the attempt is written before the
 * post, and after an unknown outcome the target is searched for the notice's key before it is posted again.
 */
import type { DecisionState, Notice } from '../decisions/decision-model';
import {
  NoticeEvents,
  noticeOf,
  type NoticeDeliveredPayload,
  type NoticeEffect,
  type NoticeFailedPayload,
  type NoticeTargetPayload,
} from '../decisions/notices';

/** The Slack calls a notice needs (src/slack/slack-gateway.ts); failures throw EffectRefused or EffectUnavailable. */
export interface NoticePort {
  /** Renders the notice from `state` and posts it to a channel (C…/G…) or a person (U…/W…, direct message). */
  postNotice(state: DecisionState, notice: Notice, target: string, key: string): Promise<string>;
  /** The ts of the bot's message with this key in the channel or the direct conversation, if there is one. */
  findNotice(target: string, key: string): Promise<string | undefined>;
}

type Append = <P>(type: string, payload: P) => DecisionState | Promise<DecisionState>;

export async function performNotice(
  port: NoticePort,
  state: DecisionState,
  effect: NoticeEffect,
  latest: () => DecisionState,
  append: Append,
): Promise<void> {
  const target = { key: effect.key, target: effect.target };
  const found = effect.look ? await port.findNotice(effect.target, effect.key) : undefined;
  if (found) {
    await append<NoticeDeliveredPayload>(NoticeEvents.delivered, { ...target, ts: found, found: true });
    return;
  }
  if (!effect.look) await append<NoticeTargetPayload>(NoticeEvents.attempted, target);
  const current = latest();
  const notice = noticeOf(current, effect.key) ?? noticeOf(state, effect.key)!;
  const ts = await port.postNotice(current, notice, effect.target, effect.key);
  await append<NoticeDeliveredPayload>(NoticeEvents.delivered, { ...target, ts });
}

/** Slack refused the notice for this target for good: recorded, so the outbox moves on. */
export function noticeRefused(
  effect: NoticeEffect,
  error: string,
  append: Append,
): DecisionState | Promise<DecisionState> {
  return append<NoticeFailedPayload>(NoticeEvents.failed, { key: effect.key, target: effect.target, error });
}
