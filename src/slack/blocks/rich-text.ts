/**
 * Rich text for anything a person or a bulletin wrote. mrkdwn has no escape for `*`, `_`, `~` or backticks, so a
 * comment such as `*not* urgent` would turn bold; a rich_text `text` element is shown as written, and mentions are
 * separate `user` elements built only from ids that match Slack's form
 * (https://docs.slack.dev/reference/block-kit/block-elements/text-element).
 */
import type { RichTextBlock, RichTextElement } from '@slack/types';
import { USER_ID } from '../../app/contract';

export type Piece = RichTextElement;

export function text(value: string, style?: { bold?: boolean; italic?: boolean }): Piece {
  return style ? { type: 'text', text: value, style } : { type: 'text', text: value };
}

export function bold(value: string): Piece {
  return text(value, { bold: true });
}

export function user(userId: string): Piece {
  // an invariant, not input: ids reach here from Slack's payloads or from rosters checked when they were written
  if (!USER_ID.test(userId)) throw new Error(`not a Slack user id: ${JSON.stringify(userId)}`);
  return { type: 'user', user_id: userId };
}

/** One rich_text block of lines; each line a list of pieces. */
export function richText(lines: Piece[][]): RichTextBlock {
  const elements: Piece[] = [];
  lines.forEach((line, i) => {
    if (i > 0) elements.push(text('\n'));
    elements.push(...line);
  });
  return { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: merge(elements) }] };
}

/** Cuts plain text to `max` characters (rich text needs no escaping, so no entity can be split). */
export function clipText(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max - 1) + '…';
}

/** Adjacent unstyled text pieces as one, to keep the payload small. */
function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (piece.type === 'text' && !piece.style && last?.type === 'text' && !last.style)
      out[out.length - 1] = text(last.text + piece.text);
    else out.push(piece);
  }
  return out;
}
