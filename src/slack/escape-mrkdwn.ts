/**
 * The one place user- and bulletin-supplied text is made safe for mrkdwn, and the only builders of mentions.
 * `&`, `<` and `>` are Slack's control characters: escaped, a bulletin title or a comment cannot forge
 * `<!channel>`, `<@U…>` or `<https://evil|click>`. Mentions are built only from ids that match Slack's forms.
 */
import { GROUP_ID, USER_ID } from '../app/contract';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Look-alikes for Slack's formatting characters (the ones jsx-slack's <Escape> uses): they show, they do not format. */
const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', '~': '\u223c', '`': '\u02cb', _: '\u02cd' };
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * For names and titles shown inside our own formatting (`*MS08-067*`, a bullet line): escaped like `escapeMrkdwn`,
 * and Slack's formatting characters kept from formatting. Slack has no escape for them, so `*`, `~` and `` ` ``
 * become look-alikes; `_` only where it could open or close italics (at a word's edge), so `sql_prod_01` stays as
 * written and can be searched for.
 */
export function literalMrkdwn(text: string): string {
  return escapeMrkdwn(text).replace(/[*~`_]/g, (c: string, at: number, all: string) =>
    c === '_' && WORD_CHARACTER.test(all[at - 1] ?? '') && WORD_CHARACTER.test(all[at + 1] ?? '') ? c : LOOK_ALIKES[c]!,
  );
}

/** Escapes, then cuts to `max` characters without splitting an entity such as `&amp;`. */
export function escapeAndTruncate(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return cut + '…';
}

/** Plain text fields (headers, buttons, modal titles) are not parsed for mentions; they only need the length cut. */
export function truncatePlain(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

export function mentionUser(userId: string): string {
  // an invariant, not input: ids reach here from Slack's payloads or from rosters checked when they were written
  if (!USER_ID.test(userId)) throw new Error(`not a Slack user id: ${JSON.stringify(userId)}`);
  return `<@${userId}>`;
}

export function mentionGroup(groupId: string): string {
  if (!GROUP_ID.test(groupId)) throw new Error(`not a Slack user group id: ${JSON.stringify(groupId)}`);
  return `<!subteam^${groupId}>`;
}
