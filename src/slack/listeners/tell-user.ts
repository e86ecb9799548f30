/**
 * Telling the person who acted, where the app's one error path (platform/answer-every-request.ts) does not:
 * answers to forms (no response_url), a modal that could not open, the outbox giving up on an effect, and the
 * outcome of `/patch open`. Ways are tried in order: ephemeral in the decision channel, then a direct message.
 */
import type { View } from '@slack/types';
import { PatchcallError } from '../../common/errors';
import { USER_ID } from '../../app/contract';
import type { DecisionState } from '../../decisions/decision-model';
import type { SlackEffect } from '../../decisions/slack-effects';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { slackError } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface Audience {
  user: string;
  /** A channel the person is in, for an ephemeral note. */
  channel?: string;
}

/** Tells the person; if every way fails it is logged, never thrown (the work is already on the record). */
export async function tell(deps: SlackDeps, audience: Audience, text: string): Promise<void> {
  const ways: (() => Promise<unknown>)[] = [];
  if (audience.channel) {
    const channel = audience.channel;
    ways.push(() => deps.clients.interactive.chat.postEphemeral({ channel, user: audience.user, text }));
  }
  ways.push(() => deps.clients.background.chat.postMessage({ channel: audience.user, text }));
  for (const way of ways) {
    try {
      await way();
      return;
    } catch (error) {
      deps.logger.warn({ user: audience.user, err: (error as Error).message }, 'could not reach the person this way');
    }
  }
  deps.logger.error({ user: audience.user }, 'could not tell the person what happened');
}

/**
 * Opens a modal; when Slack will not, throws a PatchcallError that says why and what to do, which the app's
 * error path hands to the person who clicked.
 */
export async function openModal(deps: SlackDeps, triggerId: string, view: View): Promise<void> {
  try {
    await deps.gateway.openModal(triggerId, view);
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message }, 'a modal could not open');
    throw new PatchcallError('CONFLICT', modalFailureText(error));
  }
}

/** What went wrong when a form could not open, and what to do. */
export function modalFailureText(error: unknown): string {
  const code = slackError(error) ?? (error as { code?: string }).code;
  if (code === 'slack_webapi_rate_limited_error' || code === 'ratelimited')
    return 'Slack is rate-limiting patchcall right now, so the form could not open. Click the button again in a few seconds.';
  if (code === 'expired_trigger_id' || code === 'exchanged_trigger_id')
    return 'The form could not open in time (Slack allows 3 seconds). Click the button again.';
  return `The form could not open (Slack said: ${String(code ?? (error as Error).message)}). Click the button again; if it keeps failing, ask your patchcall admin to look at the app log.`;
}

const EFFECT_WORDS: Record<SlackEffect['kind'], string> = {
  'create-channel': 'create the decision channel',
  'set-topic': 'set the channel topic',
  invite: 'invite the role members',
  'post-card': 'post the decision card',
  'update-card': 'update the decision card',
  'post-call': 'post the call in the channel',
  'pin-call': 'pin the call',
  'post-channel-notice': 'post a notice in the decision channel',
  'post-notice': 'post a deadline reminder',
  'name-people': 'look up the names of the people who acted',
};

/** The outbox gave up on an effect for good: tell whoever caused it (the caller for the call, else the convener). */
export async function tellAboutRefusedEffect(
  deps: SlackDeps,
  state: DecisionState,
  effect: SlackEffect,
  error: string,
): Promise<void> {
  // failures while convening are reported in the /patch open reply, which waits for the card
  if (!['update-card', 'post-call', 'pin-call'].includes(effect.kind)) return;
  const person = effect.kind === 'update-card' ? state.convenedBy : (state.call?.by ?? state.convenedBy);
  if (!person || !USER_ID.test(person)) return;
  await tell(
    deps,
    { user: person, ...(state.channel ? { channel: state.channel.id } : {}) },
    `patchcall could not ${EFFECT_WORDS[effect.kind]} for ${escapeMrkdwn(state.id)}: Slack said \`${escapeMrkdwn(error)}\`. Everything is on the record; \`/patch status ${escapeMrkdwn(state.id)}\` shows it. Ask your patchcall admin to check the app's access to the channel.`,
  );
}

/** The answer to `/patch open` once the outbox has posted the card or Slack refused a step. */
export function convenedText(state: DecisionState, already: boolean): string {
  const id = escapeMrkdwn(state.id);
  const where = state.channel ? `<#${state.channel.id}>` : `#${escapeMrkdwn(state.channelName ?? '')}`;
  if (already) return `${id} is already being decided in ${where}.`;
  const failed = Object.entries(state.failed);
  if (failed.length) {
    const [step, error] = failed[0]!;
    return `${id} is convened on the record, but Slack refused a step (${escapeMrkdwn(step)}: \`${escapeMrkdwn(error!)}\`) in ${where}. Ask your patchcall admin to check the app's access; \`/patch open ${id}\` tries again.`;
  }
  if (!state.cardTs) return `Convening ${id} in ${where}: Slack is slow; the card will follow there.`;
  const count = state.invited.length;
  const refused = state.inviteRefused.map((r) => `<@${r.userId}> (${escapeMrkdwn(r.error)})`);
  return (
    `Convened ${id} in ${where}: ${count} ${count === 1 ? 'person' : 'people'} invited.` +
    (refused.length ? ` Slack refused to invite ${refused.join(', ')}: invite them by hand or fix the roster.` : '')
  );
}
