/**
 * `/patch export <decision> [format]`: the export asked for in the log (the record read with the channel's thread),
 * the record outbox uploading it, and the answer to the person once the export is on the record or Slack refused.
 */
import type { RecordFormat } from '../../audit/render-record';
import type { ExportRequestedPayload } from '../../audit/record-effects';
import { isPatchcallError, PatchcallError } from '../../common/errors';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { slackError } from '../slack-gateway';
import { fetchSlackThread } from '../fetch-slack-thread';
import type { SlackDeps } from '../slack-deps';
import type { DecisionServices } from './decision-services';
import { tell } from './tell-user';

/** How long the answer waits for the upload before saying it will follow (the response_url lasts 30 minutes). */
const ANSWER_WAIT_MS = 20_000;
/** Exports whose person is still waiting for this process's answer: a refusal is told in that answer. */
const answering = new Set<string>();

/** Exports into the decision channel and says what happened, in the words the person reads. */
export async function exportToChannel(
  services: DecisionServices,
  request: { decision: string; format?: RecordFormat; userId: string },
): Promise<string> {
  const { deps } = services;
  const result = await deps.patchcall
    .exportDecisionToChannel(
      { ...request, admins: deps.config.admins, now: deps.now() },
      { readThread: (channel, people) => fetchSlackThread(deps.clients.background, channel, people) },
      services.currentMembers,
    )
    .catch((error: unknown) => {
      if (isPatchcallError(error)) throw error;
      // Slack failed the reading: nothing was asked for, and the person can simply retry
      deps.logger.warn({ err: (error as Error).message }, 'export failed');
      throw new PatchcallError(
        'CONFLICT',
        exportFailureText(request.decision, slackError(error) ?? (error as Error).message),
      );
    });
  switch (result.kind) {
    case 'refused':
      return 'Only the members of the decision roles and patchcall admins can export a decision. Your attempt has been recorded.';
    case 'no-channel':
      return `${escapeMrkdwn(result.state.id)} has no channel to upload into.`;
    case 'requested':
      break;
  }
  const { key } = result.request;
  const id = result.state.id;
  answering.add(key);
  try {
    deps.records.nudge();
    const until = Date.now() + ANSWER_WAIT_MS;
    for (;;) {
      const outcome = deps.records.exportOutcome(id, key);
      if (outcome.kind === 'exported')
        return `Uploaded ${outcome.payload.files.map((f) => `\`${f.name}\``).join(' and ')} to <#${outcome.payload.channel}>: the record of ${escapeMrkdwn(id)} through event #${outcome.payload.coversThroughSeq}. Check the JSON with \`patchcall audit verify --export <file>\`.`;
      if (outcome.kind === 'failed')
        throw new PatchcallError('CONFLICT', exportFailureText(request.decision, outcome.error));
      if (Date.now() > until)
        return `The record of ${escapeMrkdwn(id)} through event #${result.request.coversThroughSeq} is on the record to be uploaded to <#${result.request.channel}>; Slack is slow, so it will appear there shortly.`;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    answering.delete(key);
  }
}

function exportFailureText(decision: string, said: string): string {
  return `The export could not be uploaded (Slack said: ${said}). Nothing was recorded as exported; run \`/patch export ${decision}\` again in a minute, and if it keeps failing ask your patchcall admin to check the app's access to the channel.`;
}

/** Slack refused an upload after the person stopped waiting for the answer: tell them now. */
export async function tellAboutFailedExport(
  deps: SlackDeps,
  request: ExportRequestedPayload,
  decisionId: string,
  error: string,
): Promise<void> {
  if (answering.has(request.key)) return;
  await tell(
    deps,
    { user: request.userId, channel: request.channel },
    exportFailureText(escapeMrkdwn(decisionId), escapeMrkdwn(error)),
  );
}
