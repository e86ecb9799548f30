/**
 * The product's Slack calls over the two Web API clients: channel, topic, invites, the card, the call message and
 * its pin, ephemeral notes, modals, user groups. Modals and ephemeral notes go through the interactive client
 * (no queueing behind a rate limit); everything else through the background client, which retries.
 */
import type { KnownBlock, View } from '@slack/types';
import type { ConveneGateway } from '../app/convene-decision';
import type { DecisionState } from '../decisions/decision-model';
import { blocksToText } from './blocks/blocks-to-text';
import type { SlackClients } from './web-clients';

export interface RenderedCard {
  blocks: KnownBlock[];
  text: string;
}

export class SlackGateway implements ConveneGateway {
  constructor(
    private readonly clients: SlackClients,
    private readonly renderCard: (state: DecisionState) => RenderedCard,
  ) {}

  async resolveGroups(groupIds: string[]): Promise<Record<string, string[]>> {
    const entries = await Promise.all(
      groupIds.map(async (usergroup) => {
        const answer = await this.clients.background.usergroups.users.list({ usergroup });
        return [usergroup, (answer.users ?? []) as string[]] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  async createChannel(
    name: string,
  ): Promise<{ ok: true; id: string; name: string } | { ok: false; error: 'name_taken' }> {
    try {
      const answer = await this.clients.background.conversations.create({ name });
      return { ok: true, id: answer.channel!.id!, name: answer.channel!.name ?? name };
    } catch (error) {
      if (slackError(error) === 'name_taken') return { ok: false, error: 'name_taken' };
      throw error;
    }
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.clients.background.conversations.setTopic({ channel, topic });
  }

  /** Invites everyone at once; people already in the channel are not an error. */
  async invite(channel: string, users: string[]): Promise<string[]> {
    if (users.length === 0) return [];
    try {
      await this.clients.background.conversations.invite({ channel, users: users.join(','), force: true });
    } catch (error) {
      if (slackError(error) !== 'already_in_channel') throw error;
    }
    return users;
  }

  async postCard(state: DecisionState): Promise<string> {
    const card = this.renderCard(state);
    const answer = await this.clients.background.chat.postMessage({
      channel: state.channel!.id,
      blocks: card.blocks,
      text: card.text,
      unfurl_links: false,
    });
    return answer.ts!;
  }

  async updateCard(state: DecisionState): Promise<void> {
    const card = this.renderCard(state);
    await this.clients.background.chat.update({
      channel: state.channel!.id,
      ts: state.cardTs!,
      blocks: card.blocks,
      text: card.text,
    });
  }

  /** Posts the call in the channel and pins it; the pin failing leaves the call posted. */
  async postCall(channel: string, blocks: KnownBlock[], text: string): Promise<{ ts: string; pinned: boolean }> {
    const answer = await this.clients.background.chat.postMessage({ channel, blocks, text, unfurl_links: false });
    const ts = answer.ts!;
    try {
      await this.clients.background.pins.add({ channel, timestamp: ts });
      return { ts, pinned: true };
    } catch {
      return { ts, pinned: false };
    }
  }

  async ephemeral(channel: string, user: string, blocks: KnownBlock[]): Promise<void> {
    await this.clients.interactive.chat.postEphemeral({
      channel,
      user,
      blocks,
      text: blocksToText(blocks).slice(0, 3000),
    });
  }

  /** A direct message, for answers that have no channel to be ephemeral in (after a modal). */
  async direct(user: string, text: string): Promise<void> {
    await this.clients.background.chat.postMessage({ channel: user, text });
  }

  /** Uploads a file into a channel (files.getUploadURLExternal, the upload, files.completeUploadExternal). */
  async uploadFile(
    channel: string,
    file: { name: string; title: string; content: string },
    comment?: string,
  ): Promise<string | undefined> {
    const answer = (await this.clients.background.filesUploadV2({
      channel_id: channel,
      file: Buffer.from(file.content, 'utf8'),
      filename: file.name,
      title: file.title,
      ...(comment ? { initial_comment: comment } : {}),
    })) as { files?: { files?: { id?: string }[] }[] };
    return answer.files?.[0]?.files?.[0]?.id;
  }

  async openModal(triggerId: string, view: View): Promise<void> {
    await this.clients.interactive.views.open({ trigger_id: triggerId, view });
  }
}

export function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}
