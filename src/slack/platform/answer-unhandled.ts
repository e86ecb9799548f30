/**
 * Wraps a Bolt receiver so a command, button or form that no listener acknowledged still gets an answer.
 * Bolt runs every matching listener and a catch-all listener cannot know whether another one acked, so the
 * check happens where Bolt hands the request back: after all listeners ran, nobody called ack().
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../logger';

const UNHANDLED_TEXT = 'patchcall could not handle that. Try `/patch help` to see what it can do.';

export function answerUnhandled(inner: Receiver, logger: Logger): Receiver {
  return {
    init(app: App) {
      const guarded = {
        processEvent: async (event: ReceiverEvent) => {
          let acked = false;
          const ack: ReceiverEvent['ack'] = (response) => {
            acked = true;
            return event.ack(response);
          };
          await app.processEvent({ ...event, ack });
          if (!acked) await answer(event, logger);
        },
      };
      // receivers only use app.processEvent, so the guard can stand in for the app
      inner.init(guarded as unknown as App);
    },
    start: (...args) => inner.start(...args),
    stop: (...args) => inner.stop(...args),
  };
}

async function answer(event: ReceiverEvent, logger: Logger): Promise<void> {
  const body = event.body;
  const kind = typeof body.command === 'string' ? 'command' : String(body.type ?? 'unknown');
  logger.warn(
    { kind, command: body.command, actions: actionIds(body), callbackId: body.view?.callback_id },
    'no listener answered a Slack request',
  );
  if (kind === 'command') {
    await event.ack({ response_type: 'ephemeral', text: UNHANDLED_TEXT });
  } else if (kind === 'view_submission') {
    const inputBlock = (body.view?.blocks as { type?: string; block_id?: string }[] | undefined)?.find(
      (b) => b.type === 'input' && b.block_id,
    );
    await event.ack(
      inputBlock
        ? {
            response_action: 'errors',
            errors: { [inputBlock.block_id!]: 'patchcall could not handle this form. Please try again.' },
          }
        : undefined,
    );
  } else {
    await event.ack();
    if (kind === 'block_actions' && typeof body.response_url === 'string')
      void tellViaResponseUrl(body.response_url, logger);
  }
}

async function tellViaResponseUrl(url: string, logger: Logger): Promise<void> {
  try {
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: UNHANDLED_TEXT }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not tell the user a button went unhandled');
  }
}

function actionIds(body: ReceiverEvent['body']): string[] | undefined {
  return Array.isArray(body.actions) ? body.actions.map((a: { action_id?: string }) => String(a.action_id)) : undefined;
}
