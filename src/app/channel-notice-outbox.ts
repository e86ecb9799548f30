/**
 * The outbox's `post-notice` effect: a notice of the log posted into the decision's channel once. Slack cannot
 * de-duplicate a post, so the attempt is recorded first; after an unknown outcome the retry looks for the notice's
 * key in the channel before posting again.
 */
import {
  DecisionEvents,
  type DecisionState,
  type EffectAttemptedPayload,
  type ChannelNotice,
} from '../decisions/decision-model';
import { LivingEvents, type NoticePostedPayload } from '../decisions/living-decision';

export interface ChannelNoticePort {
  findPosted(channel: string, key: string): Promise<string | undefined>;
  postChannelNotice(channel: string, notice: ChannelNotice): Promise<string>;
}

export async function postChannelNotice(
  slack: ChannelNoticePort,
  state: DecisionState,
  effect: { channel: string; key: string; look: boolean },
  append: (type: string, payload: unknown) => unknown,
): Promise<void> {
  const notice = state.living?.notices.find((n) => n.key === effect.key);
  if (!notice) return;
  const found = effect.look ? await slack.findPosted(effect.channel, effect.key) : undefined;
  if (!found && !effect.look)
    await append(DecisionEvents.effectAttempted, {
      effect: 'channel-notice',
      key: effect.key,
    } satisfies EffectAttemptedPayload);
  const ts = found ?? (await slack.postChannelNotice(effect.channel, notice));
  await append(LivingEvents.noticePosted, {
    key: effect.key,
    channel: effect.channel,
    ts,
  } satisfies NoticePostedPayload);
}
