/**
 * The one way a listener tells the person who acted what happened, for commands, buttons and forms alike:
 * through response_url when Slack gave one (it reaches people outside the channel too), else ephemeral in the
 * decision channel, else a direct message. Failures of Slack itself are put in words with what to do next.
 */
import type { RespondFn } from '@slack/bolt';
import type { SlackEffect } from '../../decisions/slack-effects';
import { USER_ID, type DecisionState } from '../../decisions/decision-model';
import { isPatchcallError } from '../../common/errors';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { slackError } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface Audience {
  user: string;
  respond?: RespondFn;
  /** A channel the person is in, for an ephemeral note when there is no response_url (forms). */
  channel?: string;
}

/** Tells the person; if every way fails it is logged, never thrown (the caller's work is already on the record). */
export async function tell(deps: SlackDeps, audience: Audience, text: string): Promise<void> {
  const ways: (() => Promise<unknown>)[] = [];
  if (audience.respond) {
    const respond = audience.respond;
    ways.push(() => respond({ response_type: 'ephemeral', replace_original: false, text }));
  }
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
      deps.logger.warn(
        { user: audience.user, err: (error as Error).message },
        'could not reach the person; trying another way',
      );
    }
  }
  deps.logger.error({ user: audience.user }, 'could not tell the person what happened');
}

/** What went wrong when a form could not open, and what to do. */
export function modalFailureText(error: unknown): string {
  const code = slackError(error) ?? (error as { code?: string }).code;
  if (code === 'slack_webapi_rate_limited_error' || code === 'ratelimited')
    return 'Slack is rate-limiting patchcall right now, so the form could not open. Click the button again in a few seconds.';
  if (code === 'expired_trigger_id' || code === 'exchanged_trigger_id')
    return 'The form could not open in time (Slack allows 3 seconds). Click the button again.';
  return `The form could not open (Slack said: ${escapeMrkdwn(String(code ?? (error as Error).message))}). Click the button again; if it keeps failing, ask your patchcall admin to look at the app log.`;
}

/** Any other failure of a request, in words: our own errors say what was wrong, the rest points at the log. */
export function failureText(error: unknown): string {
  if (isPatchcallError(error) && error.code !== 'INTERNAL') return escapeMrkdwn(error.message);
  const code = slackError(error);
  if (code)
    return `Slack refused it (${escapeMrkdwn(code)}). Try again; if it keeps failing, ask your patchcall admin to look at the app log.`;
  return 'Something went wrong; nothing was lost, and the details are in the app log. Try again in a moment.';
}

const EFFECT_WORDS: Record<SlackEffect['kind'], string> = {
  'create-channel': 'create the decision channel',
  'set-topic': 'set the channel topic',
  invite: 'invite the role members',
  'post-card': 'post the decision card',
  'update-card': 'update the decision card',
  'post-call': 'post the call in the channel',
  'pin-call': 'pin the call',
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
