/** `/patch export <decision> [format]`: the export use case with Slack as its port, and the answer to the person. */
import type { RecordFormat } from '../../audit/render-record';
import { isPatchcallError, PatchcallError } from '../../common/errors';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { slackError } from '../slack-gateway';
import { fetchSlackThread } from '../fetch-slack-thread';
import type { DecisionServices } from './decision-services';

/** Exports into the decision channel and says what happened, in the words the person reads. */
export async function exportToChannel(
  services: DecisionServices,
  request: { decision: string; format?: RecordFormat; userId: string },
): Promise<string> {
  const { deps, gateway } = services;
  const result = await deps.patchcall
    .exportDecisionToChannel(
      { ...request, admins: deps.config.admins, now: deps.now() },
      {
        readThread: (channel, people) => fetchSlackThread(deps.clients.background, channel, people),
        upload: (channel, file) => gateway.uploadFile(channel, file),
      },
      services.currentMembers,
    )
    .catch((error: unknown) => {
      if (isPatchcallError(error)) throw error;
      // Slack failed the reading or the upload: nothing was recorded as exported, and the person can simply retry
      deps.logger.warn({ err: (error as Error).message }, 'export failed');
      const said = slackError(error) ?? (error as Error).message;
      throw new PatchcallError(
        'CONFLICT',
        `The export could not be uploaded (Slack said: ${said}). Nothing was recorded as exported; run \`/patch export ${request.decision}\` again in a minute, and if it keeps failing ask your patchcall admin to check the app's access to the channel.`,
      );
    });
  switch (result.kind) {
    case 'refused':
      return 'Only the members of the decision roles and patchcall admins can export a decision. Your attempt has been recorded.';
    case 'no-channel':
      return `${escapeMrkdwn(result.state.id)} has no channel to upload into.`;
    case 'exported':
      return `Uploaded ${result.files.map((f) => `\`${f.name}\``).join(' and ')} to <#${result.channel}>: the record of ${escapeMrkdwn(result.state.id)} through event #${result.coversThroughSeq}. Check the JSON with \`patchcall audit verify --export <file>\`.`;
  }
}
