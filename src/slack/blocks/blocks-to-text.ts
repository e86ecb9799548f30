/** Block Kit as plain text, the way a person would read the message: for the demo's transcript and for tests. */
import type { KnownBlock } from '@slack/types';

export function blocksToText(blocks: readonly unknown[]): string {
  return (blocks as KnownBlock[])
    .map(blockToText)
    .filter((line) => line !== '')
    .join('\n');
}

function blockToText(block: KnownBlock): string {
  switch (block.type) {
    case 'header':
      return `== ${block.text.text} ==`;
    case 'section': {
      const parts = [block.text ? readable(block.text.text) : '', ...(block.fields ?? []).map((f) => readable(f.text))];
      const accessory =
        block.accessory && 'text' in block.accessory && block.accessory.type === 'button'
          ? ` [${block.accessory.text.text}]`
          : '';
      return parts.filter((p) => p !== '').join('\n') + accessory;
    }
    case 'divider':
      return '—'.repeat(40);
    case 'context':
      return block.elements.map((e) => ('text' in e ? readable(e.text) : '')).join(' ');
    case 'actions':
      return block.elements
        .map((e) => ('text' in e && e.text && typeof e.text === 'object' ? `[${e.text.text}]` : `[${e.type}]`))
        .join(' ');
    case 'rich_text':
      return block.elements
        .map((part) =>
          'elements' in part
            ? (part.elements as { type: string; text?: string; user_id?: string; style?: { bold?: boolean } }[])
                .map((e) => (e.type === 'user' ? `@${e.user_id}` : e.style?.bold ? `*${e.text}*` : (e.text ?? '')))
                .join('')
            : '',
        )
        .join('\n');
    case 'input': {
      const optional = block.optional ? ' (optional)' : '';
      return `${block.label.text}${optional}: ____`;
    }
    default:
      return `(${block.type})`;
  }
}

/** Mentions as Slack shows them (`@U123`), and the escapes undone, so the transcript reads like the client. */
function readable(mrkdwn: string): string {
  return mrkdwn
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^(S[A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => label ?? `@${id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
