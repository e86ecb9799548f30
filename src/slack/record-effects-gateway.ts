/**
 * The Slack calls of the record outbox (src/app/record-outbox.ts): anchors posted with their key in the message
 * metadata, audit records uploaded (files.getUploadURLExternal, the upload, files.completeUploadExternal), and the
 * look-ups that find what an attempt with a lost reply left. Through the fail-fast `effects` client: the outbox
 * decides when to retry, and a client retry of a completed upload would share the file twice.
 */
import type { RecordEffectsPort } from '../app/record-outbox';
import { effect, EFFECT_METADATA_TYPE, type SlackGateway } from './slack-gateway';
import type { SlackClients } from './web-clients';

const HISTORY_PAGES = 5;

export class RecordEffectsGateway implements RecordEffectsPort {
  constructor(
    private readonly clients: SlackClients,
    private readonly gateway: SlackGateway,
    private readonly botUserId: string,
  ) {}

  postAnchor(channel: string, text: string, key: string): Promise<string | undefined> {
    return effect(async () => {
      const answer = await this.clients.effects.chat.postMessage({
        channel,
        text,
        unfurl_links: false,
        metadata: { event_type: EFFECT_METADATA_TYPE, event_payload: { key } },
      });
      return answer.ts;
    });
  }

  async findAnchor(channel: string, key: string): Promise<string | undefined> {
    // conversations.history needs the channel's id; PATCHCALL_AUDIT_CHANNEL may name it instead
    return this.gateway.findPosted(await this.gateway.channelId(channel), key);
  }

  upload(channel: string, file: { name: string; title: string; content: string }): Promise<string | undefined> {
    return effect(async () => {
      const answer = (await this.clients.effects.filesUploadV2({
        channel_id: channel,
        file: Buffer.from(file.content, 'utf8'),
        filename: file.name,
        title: file.title,
      })) as { files?: { files?: { id?: string }[] }[] };
      return answer.files?.[0]?.files?.[0]?.id;
    });
  }

  /** A file the bot shared in the channel under this name and title (the title names the export's last event). */
  findUpload(channel: string, file: { name: string; title: string }): Promise<string | undefined> {
    return effect(async () => {
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const answer = await this.clients.effects.conversations.history({
          channel,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of answer.messages ?? []) {
          if (message.user !== this.botUserId) continue;
          const shared = message.files?.find((f) => f.name === file.name && f.title === file.title);
          if (shared?.id) return shared.id;
        }
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    });
  }
}
