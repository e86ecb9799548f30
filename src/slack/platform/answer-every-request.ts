/**
 * The one error path of the Slack edge: every command, button and form gets an answer. A listener that fails
 * (before or after its ack) is answered with the error's message when it is a PatchcallError meant for people,
 * else with a pointer to the log; a request no listener acknowledged is answered as unhandled.
 *
 * Bolt runs every matching listener and routes their failures to `app.error`, which records the failure by the
 * request body; the check happens where Bolt hands the request back to the receiver, after all listeners ran,
 * because only there is it known whether anyone called ack().
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { isPatchcallError } from '../../common/errors';
import type { Logger } from '../../logging/logger';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { requestReceived } from '../listeners/after-ack';

const UNHANDLED_TEXT = 'patchcall could not handle that. Try `/patch help` to see what it can do.';
const INTERNAL_TEXT = 'Something went wrong; the details are in the app log.';

type Body = ReceiverEvent['body'];

export interface RequestAnswererOptions {
  logger: Logger;
  /** A direct message to the person, for answers that have no response_url to go to (forms after their ack). */
  direct(user: string, text: string): Promise<void>;
}

export class RequestAnswerer {
  private readonly failures = new WeakMap<Body, unknown>();

  constructor(private readonly options: RequestAnswererOptions) {}

  /** Bolt's `app.error` handler (with `extendedErrorHandler`): logs the failure and keeps it for the answer. */
  readonly onError = async (args: { error: Error & { code?: string }; body?: Body }): Promise<void> => {
    const { error, body } = args;
    const data = (error as { data?: { error?: string } }).data;
    this.options.logger.error(
      { code: error.code, name: error.name, err: error.message, slackError: data?.error },
      'error in a Slack listener',
    );
    if (body) this.failures.set(body, error);
  };

  /** Wraps the receiver so that, once the listeners are done, every request has been answered. */
  wrap(inner: Receiver): Receiver {
    return {
      init: (app: App) => {
        const guarded = {
          processEvent: async (event: ReceiverEvent) => {
            let acked = false;
            // work after other requests' acks waits while this one waits for its own
            const answered = requestReceived();
            const ack: ReceiverEvent['ack'] = (response) => {
              acked = true;
              answered();
              return event.ack(response);
            };
            try {
              await app.processEvent({ ...event, ack });
            } finally {
              answered();
            }
            const failure = this.failures.get(event.body);
            if (failure !== undefined) await this.answer(event, acked, failureText(failure));
            else if (!acked) {
              this.options.logger.warn(describe(event.body), 'no listener answered a Slack request');
              await this.answer(event, false, UNHANDLED_TEXT);
            }
          },
        };
        // receivers only use app.processEvent, so the guard can stand in for the app
        inner.init(guarded as unknown as App);
      },
      start: (...args) => inner.start(...args),
      stop: (...args) => inner.stop(...args),
    };
  }

  private async answer(event: ReceiverEvent, acked: boolean, text: string): Promise<void> {
    const body = event.body;
    const kind = kindOf(body);
    if (kind === 'command') {
      if (!acked) return event.ack({ response_type: 'ephemeral', text });
      return this.respond(body.response_url, { response_type: 'ephemeral', text });
    }
    if (kind === 'view_submission' && !acked) {
      const inputBlock = (body.view?.blocks as { type?: string; block_id?: string }[] | undefined)?.find(
        (b) => b.type === 'input' && b.block_id,
      );
      // a form still open shows the problem under its first field; Slack limits such messages to 150 characters
      if (inputBlock)
        return event.ack({ response_action: 'errors', errors: { [inputBlock.block_id!]: text.slice(0, 150) } });
    }
    if (!acked) await event.ack();
    const user = typeof body.user?.id === 'string' ? (body.user.id as string) : undefined;
    if (kind === 'block_actions' && typeof body.response_url === 'string')
      return this.respond(body.response_url, { response_type: 'ephemeral', replace_original: false, text });
    if ((kind === 'block_actions' || kind === 'view_submission') && user) {
      await this.options
        .direct(user, text)
        .catch((error: Error) =>
          this.options.logger.warn({ err: error.message }, 'could not tell the person their request failed'),
        );
    }
  }

  private async respond(url: unknown, message: Record<string, unknown>): Promise<void> {
    if (typeof url !== 'string') return;
    try {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'could not answer through response_url');
    }
  }
}

/** What the person reads: our own errors say what is wrong; anything else stays in the log. */
function failureText(error: unknown): string {
  return isPatchcallError(error) && error.code !== 'INTERNAL' ? escapeMrkdwn(error.message) : INTERNAL_TEXT;
}

function kindOf(body: Body): string {
  return typeof body.command === 'string' ? 'command' : String(body.type ?? 'unknown');
}

function describe(body: Body): Record<string, unknown> {
  const actions = Array.isArray(body.actions)
    ? body.actions.map((a: { action_id?: string }) => String(a.action_id))
    : undefined;
  return { kind: kindOf(body), command: body.command, actions, callbackId: body.view?.callback_id };
}
