/**
 * Reads a decision channel back from Slack for the audit record: every message (conversations.history) and every
 * thread reply (conversations.replies), following cursors page by page, with user ids resolved to names.
 */
import type { SlackMessage } from '../audit/audit-record';
import type { PersonName } from '../app/name-people';
import { profileName, type SlackUserInfo } from './slack-profiles';
import type { WebClient } from './web-clients';

interface RawMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text?: string;
  reply_count?: number;
  thread_ts?: string;
}

const PAGE = 200;

/**
 * Slack profiles (users.info) as names for the record: the real name and the handle. A deleted or invisible user
 * gets no entry and keeps their id, which is the identity anyway.
 */
export async function fetchSlackProfiles(
  client: WebClient,
  userIds: string[],
  profiles: Record<string, PersonName> = {},
): Promise<Record<string, PersonName>> {
  for (const user of userIds) {
    if (profiles[user] !== undefined) continue;
    try {
      const named = profileName((await client.users.info({ user })) as SlackUserInfo);
      if (named) profiles[user] = named;
    } catch {
      // user_not_found / user_not_visible: nothing to record
    }
  }
  return profiles;
}

export async function fetchSlackThread(
  client: WebClient,
  channel: string,
  people: string[] = [],
): Promise<{ messages: SlackMessage[]; names: Record<string, PersonName> }> {
  const names = await fetchSlackProfiles(client, people);
  const resolve = async (user: string | undefined): Promise<void> => {
    if (user) await fetchSlackProfiles(client, [user], names);
  };

  const history: RawMessage[] = [];
  for (let cursor: string | undefined; ;) {
    const page = (await client.conversations.history({ channel, limit: PAGE, ...(cursor ? { cursor } : {}) })) as {
      messages?: RawMessage[];
      response_metadata?: { next_cursor?: string };
    };
    history.push(...(page.messages ?? []));
    cursor = page.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }

  const toMessage = async (raw: RawMessage, replies: SlackMessage[]): Promise<SlackMessage> => {
    await resolve(raw.user);
    const id = raw.user ?? (raw.bot_id ? `bot:${raw.bot_id}` : 'unknown');
    return {
      ts: raw.ts ?? '0.0',
      at: tsToIso(raw.ts),
      user: names[id]
        ? { id, name: names[id].name, ...(names[id].handle ? { handle: names[id].handle } : {}) }
        : { id, ...(raw.username ? { name: raw.username } : {}) },
      text: raw.text ?? '',
      replies,
    };
  };

  const messages: SlackMessage[] = [];
  // Slack lists history newest first; the record reads oldest first
  for (const raw of [...history].sort((a, b) => Number(a.ts) - Number(b.ts))) {
    const replies: SlackMessage[] = [];
    if (raw.reply_count && raw.ts) {
      for (let cursor: string | undefined; ;) {
        const page = (await client.conversations.replies({
          channel,
          ts: raw.ts,
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
        })) as { messages?: RawMessage[]; response_metadata?: { next_cursor?: string } };
        // the first message of every replies page is the parent itself
        for (const reply of page.messages ?? []) if (reply.ts !== raw.ts) replies.push(await toMessage(reply, []));
        cursor = page.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    }
    messages.push(await toMessage(raw, replies));
  }
  return { messages, names };
}

function tsToIso(ts: string | undefined): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : new Date(0).toISOString();
}
