/**
 * The product's Slack calls. The outbox's effects (channel, topic, invites, card, call, pin) go through the
 * `effects` client, which fails fast and reports failures as EffectRefused (Slack said no) or EffectUnavailable
 * (busy or outcome unknown: retry); modals and ephemeral notes through the interactive client (no queueing
 * behind a rate limit); user-group lookups through the background client, which retries. Anchors and uploads are
 * the record outbox's (src/slack/record-effects-gateway.ts).
 */
import type { KnownBlock, View } from '@slack/types';
import { EffectRefused, EffectUnavailable, type SlackEffectsPort } from '../app/slack-outbox';
import type { SlackProfiles } from '../app/name-first-seen';
import type { UserGroupsPort } from '../app/role-membership';
import type { ListedGroup } from '../app/user-group-directory';
import type { ChannelNotice, DecisionState, Notice } from '../decisions/decision-model';
import { USER_ID } from '../app/contract';
import type { DigestContent } from '../decisions/digest';
import type { DigestPort } from '../app/digest-delivery';
import { lookUpProfiles } from './slack-profiles';
import { blocksToText } from './blocks/blocks-to-text';
import { escapeAndTruncate, mentionUser } from './escape-mrkdwn';
import type { SlackClients } from './web-clients';

export interface RenderedCard {
  blocks: KnownBlock[];
  text: string;
}

/** Renders the decision's messages at send time, in the organization's time zone (src/slack/create-slack-app.ts). */
export interface DecisionRenderer {
  card(state: DecisionState): RenderedCard;
  call(state: DecisionState): RenderedCard;
  notice(state: DecisionState, notice: Notice): RenderedCard;
  digest(content: DigestContent): RenderedCard;
}

/** The metadata event type of the messages the outbox posts; the payload carries the idempotency key. */
export const EFFECT_METADATA_TYPE = 'patchcall_effect';
const TOPIC_MAX = 250;
const HISTORY_PAGES = 5;
const NOTICE_MAX = 2900;

/** Channel, private channel and direct-message ids (a name is looked up). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

export class SlackGateway implements SlackEffectsPort, UserGroupsPort, DigestPort {
  private readonly channelIds = new Map<string, string>();

  constructor(
    private readonly clients: SlackClients,
    private readonly render: DecisionRenderer,
    private readonly botUserId: string,
  ) {}

  profiles(users: string[]): Promise<SlackProfiles> {
    return effect(() => lookUpProfiles(this.clients.effects, users, slackError));
  }

  async members(usergroup: string): Promise<string[]> {
    const answer = await this.clients.background.usergroups.users.list({ usergroup });
    return (answer.users ?? []) as string[];
  }

  /** The enabled user groups with their handles (usergroups.list is not paginated). */
  async list(): Promise<ListedGroup[]> {
    const answer = await this.clients.background.usergroups.list({ include_disabled: false });
    return (answer.usergroups ?? []).flatMap((g) =>
      g.id && g.handle ? [{ id: g.id, handle: g.handle, name: g.name ?? g.handle }] : [],
    );
  }

  createChannel(name: string): Promise<{ id: string; name: string }> {
    return effect(async () => {
      const answer = await this.clients.effects.conversations.create({ name });
      return { id: answer.channel!.id!, name: answer.channel!.name ?? name };
    });
  }

  findOwnChannel(name: string): Promise<{ id: string; name: string } | undefined> {
    return effect(async () => {
      let cursor: string | undefined;
      do {
        const page = await this.clients.effects.conversations.list({
          exclude_archived: true,
          types: 'public_channel',
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        const found = page.channels?.find((c) => c.name === name && c.creator === this.botUserId);
        if (found) return { id: found.id!, name: found.name! };
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return undefined;
    });
  }

  setTopic(channel: string, topic: string): Promise<void> {
    // a topic is not mrkdwn, but Slack still turns <!channel>, <@U…> and <url|label> in it into live mentions
    return effect(async () => {
      await this.clients.effects.conversations.setTopic({ channel, topic: escapeAndTruncate(topic, TOPIC_MAX) });
    });
  }

  /** Invites everyone at once; Slack's per-user refusals come back as refused, the rest as invited. */
  invite(
    channel: string,
    users: string[],
  ): Promise<{ invited: string[]; refused: { userId: string; error: string }[] }> {
    return effect(async () => {
      let errors: { user?: string; error?: string }[] = [];
      try {
        const answer = await this.clients.effects.conversations.invite({
          channel,
          users: users.join(','),
          force: true,
        });
        errors = (answer as { errors?: typeof errors }).errors ?? [];
      } catch (error) {
        const data = (error as { data?: { error?: string; errors?: typeof errors } }).data;
        if (!data?.error) throw error;
        errors = data.errors ?? users.map((user) => ({ user, error: data.error! }));
      }
      // already in the channel counts as invited: an earlier attempt whose reply was lost may have done it
      const refused = errors
        .filter((e) => e.user && e.error !== 'already_in_channel')
        .map((e) => ({ userId: e.user!, error: e.error ?? 'unknown' }));
      return { invited: users.filter((u) => !refused.some((r) => r.userId === u)), refused };
    });
  }

  findPosted(channel: string, key: string): Promise<string | undefined> {
    return effect(async () => {
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const answer = await this.clients.effects.conversations.history({
          channel,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
        const found = answer.messages?.find(
          (m) =>
            m.user === this.botUserId &&
            m.metadata?.event_type === EFFECT_METADATA_TYPE &&
            (m.metadata.event_payload as { key?: string } | undefined)?.key === key,
        );
        if (found) return found.ts;
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    });
  }

  postCard(state: DecisionState, key: string): Promise<string> {
    const card = this.render.card(state);
    return this.post(state.channel!.id, card.blocks, card.text, key);
  }

  updateCard(state: DecisionState, ts: string): Promise<void> {
    const card = this.render.card(state);
    return effect(async () => {
      await this.clients.effects.chat.update({ channel: state.channel!.id, ts, blocks: card.blocks, text: card.text });
    });
  }

  postCall(state: DecisionState, key: string): Promise<string> {
    const message = this.render.call(state);
    return this.post(state.channel!.id, message.blocks, message.text, key);
  }

  /** Every word of a notice is escaped (it may quote a bulletin or a person); only the mentions are live. */
  postChannelNotice(channel: string, notice: ChannelNotice): Promise<string> {
    const mentions = notice.mention.filter((id) => USER_ID.test(id)).map(mentionUser);
    const text = `${mentions.length ? mentions.join(' ') + ' ' : ''}${escapeAndTruncate(notice.text, NOTICE_MAX)}`;
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }];
    return this.post(channel, blocks, text.slice(0, NOTICE_MAX), notice.key);
  }

  /** A notice to a channel, or to a person as a direct message (chat.postMessage with the user id). */
  postNotice(state: DecisionState, notice: Notice, target: string, key: string): Promise<string> {
    const message = this.render.notice(state, notice);
    return this.post(target, message.blocks, message.text, key);
  }

  findNotice(target: string, key: string): Promise<string | undefined> {
    if (!USER_ID.test(target)) return this.findPosted(target, key);
    return effect(async () => {
      const answer = await this.clients.effects.conversations.open({ users: target });
      return answer.channel?.id;
    }).then((channel) => (channel ? this.findPosted(channel, key) : undefined));
  }

  /** The digest into its channel; a channel name (rules/reminders.json) is resolved to its id first. */
  async postDigest(channel: string, content: DigestContent, key: string): Promise<{ channel: string; ts: string }> {
    const id = await this.channelId(channel);
    const message = this.render.digest(content);
    return { channel: id, ts: await this.post(id, message.blocks, message.text, key) };
  }

  async findDigest(channel: string, key: string): Promise<{ channel: string; ts: string } | undefined> {
    const id = await this.channelId(channel);
    const ts = await this.findPosted(id, key);
    return ts ? { channel: id, ts } : undefined;
  }

  /**
   * A channel's id from its id or its name (`#name` too): conversations.history and the digest need the id, while
   * rules/reminders.json and PATCHCALL_AUDIT_CHANNEL may name the channel. Looked up once per process.
   */
  channelId(channel: string): Promise<string> {
    if (CHANNEL_ID.test(channel)) return Promise.resolve(channel);
    const known = this.channelIds.get(channel);
    if (known) return Promise.resolve(known);
    const name = channel.replace(/^#/, '');
    return effect(async () => {
      let cursor: string | undefined;
      do {
        const page = await this.clients.effects.conversations.list({
          exclude_archived: true,
          types: 'public_channel,private_channel',
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        const found = page.channels?.find((c) => c.name === name);
        if (found?.id) {
          this.channelIds.set(channel, found.id);
          return found.id;
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      throw Object.assign(new Error(`no channel #${name}`), { data: { error: 'channel_not_found' } });
    });
  }

  pin(channel: string, timestamp: string): Promise<void> {
    return effect(async () => {
      try {
        await this.clients.effects.pins.add({ channel, timestamp });
      } catch (error) {
        if (slackError(error) !== 'already_pinned') throw error;
      }
    });
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

  async openModal(triggerId: string, view: View): Promise<void> {
    await this.clients.interactive.views.open({ trigger_id: triggerId, view });
  }

  private post(channel: string, blocks: KnownBlock[], text: string, key: string): Promise<string> {
    return effect(async () => {
      const answer = await this.clients.effects.chat.postMessage({
        channel,
        blocks,
        text,
        unfurl_links: false,
        metadata: { event_type: EFFECT_METADATA_TYPE, event_payload: { key } },
      });
      return answer.ts!;
    });
  }
}

/** Runs one Slack call of an effect and sorts its failure: Slack said no, or try again later. */
export async function effect<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const refused = slackError(error);
    if (refused !== undefined && refused !== 'ratelimited' && refused !== 'internal_error' && refused !== 'fatal_error')
      throw new EffectRefused(refused);
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    throw new EffectUnavailable(
      (error as Error).message,
      typeof retryAfter === 'number' ? retryAfter * 1000 : undefined,
    );
  }
}

export function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}
