/** Slack profiles (users.info) as names for the log: the real name and the handle. */
import type { PersonName } from '../app/name-people';
import type { SlackProfiles } from '../app/name-first-seen';
import type { WebClient } from './web-clients';

export interface SlackUserInfo {
  user?: { real_name?: string; name?: string; profile?: { display_name?: string; real_name?: string } };
}

/** The name and handle users.info gives, or undefined when it gives neither. */
export function profileName(info: SlackUserInfo): PersonName | undefined {
  const name = info.user?.real_name || info.user?.profile?.real_name || info.user?.profile?.display_name;
  // Slack handles have no spaces; anything else in `name` is not a handle and is left out
  const handle = /^[\w.-]+$/.test(info.user?.name ?? '') ? info.user!.name : undefined;
  if (!name && !handle) return undefined;
  return { name: name || handle!, ...(handle ? { handle } : {}), source: 'slack' };
}

/** What Slack answers for people it does not show: final, unlike a busy or failed call, which is retried. */
const NO_PROFILE = new Set(['user_not_found', 'user_not_visible']);

/** Each user's profile; a user Slack has no profile for is `unknown`; any other failure throws (retry later). */
export async function lookUpProfiles(
  client: WebClient,
  users: string[],
  errorOf: (error: unknown) => string | undefined,
): Promise<SlackProfiles> {
  const answer: SlackProfiles = { names: {}, unknown: [] };
  for (const user of users) {
    try {
      const named = profileName((await client.users.info({ user })) as SlackUserInfo);
      if (named) answer.names[user] = named;
      else answer.unknown.push(user);
    } catch (error) {
      if (!NO_PROFILE.has(errorOf(error) ?? '')) throw error;
      answer.unknown.push(user);
    }
  }
  return answer;
}
