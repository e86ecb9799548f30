/** Reading Block Kit back in tests. */

/** Every mrkdwn string in blocks (and nested elements): the places Slack parses mentions, links and formatting. */
export function mrkdwnOf(blocks: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(blocks);
  return found;
}

/** The text of every rich_text `text` element: shown exactly as written. */
export function richTextOf(blocks: unknown): string {
  const found: string[] = [];
  const walk = (node: unknown, inRichText: boolean): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, inRichText));
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      const rich = inRichText || object.type === 'rich_text';
      if (rich && object.type === 'text' && typeof object.text === 'string') found.push(object.text);
      Object.values(object).forEach((n) => walk(n, rich));
    }
  };
  walk(blocks, false);
  return found.join('');
}
