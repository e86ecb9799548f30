/** Escaping for the exported reports: names and comments come from people and bulletins, never trusted. */

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Markdown renders inline HTML and link syntax, so both are neutralised: HTML-significant characters become
 * entities and the punctuation that opens emphasis, code, links and table cells is backslash-escaped (the text
 * never starts a line, so block syntax such as # or - cannot take effect); line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}
