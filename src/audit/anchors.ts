/**
 * Anchors: the chain head (sequence number and hash) posted to an audit channel outside the database, daily and
 * at each call. A database that was rolled back or rewritten wholesale still verifies on its own; compared with
 * the anchors Slack kept, it does not.
 */

export interface Anchor {
  seq: number;
  hash: string;
  at?: string;
  /** Where the anchor was read: a Slack message ts, a line. */
  where: string;
  /** The installation's record-signing public key (base64 SPKI DER) published with the anchor. */
  key?: string;
}

const ANCHOR_LINE = /patchcall anchor: seq=(\d+) hash=([0-9a-f]{64})(?: at=(\S+))?(?: key=([A-Za-z0-9+/=]+))?/;

/** The text posted to the audit channel; `parseAnchors` reads it back. */
export function anchorText(head: { seq: number; hash: string }, at: string, publicKey?: string): string {
  return `patchcall anchor: seq=${head.seq} hash=${head.hash} at=${at}${publicKey ? ` key=${publicKey}` : ''}`;
}

/**
 * Reads anchors from an export of the audit channel: a `conversations.history` response (`{messages: [...]}`),
 * a Slack workspace export day file (an array of messages), or plain text with one anchor per line.
 */
export function parseAnchors(content: unknown): Anchor[] {
  const anchors: Anchor[] = [];
  const add = (text: unknown, where: string) => {
    const match = typeof text === 'string' ? ANCHOR_LINE.exec(text) : null;
    if (match)
      anchors.push({
        seq: Number(match[1]),
        hash: match[2]!,
        ...(match[3] ? { at: match[3] } : {}),
        where,
        ...(match[4] ? { key: match[4] } : {}),
      });
  };
  if (typeof content === 'string') {
    content.split('\n').forEach((line, i) => add(line, `line ${i + 1}`));
  } else {
    const messages = Array.isArray(content) ? content : (content as { messages?: unknown[] })?.messages;
    for (const message of messages ?? []) {
      const m = message as { text?: unknown; ts?: unknown };
      add(m.text, `message ts ${String(m.ts ?? '?')}`);
    }
  }
  return anchors.sort((a, b) => a.seq - b.seq);
}

export type AnchorCheck =
  { ok: true; checked: number; newest?: Anchor } | { ok: false; checked: number; anchor: Anchor; problem: string };

/** `hashAt(seq)` is the database's hash for that event, or undefined when it has no such event. */
export function checkAnchors(anchors: Anchor[], hashAt: (seq: number) => string | undefined): AnchorCheck {
  let checked = 0;
  for (const anchor of anchors) {
    const stored = hashAt(anchor.seq);
    if (stored === undefined) {
      return {
        ok: false,
        checked,
        anchor,
        problem: `the anchor at ${anchor.where} names event #${anchor.seq}, which the database does not have: it was rolled back or truncated`,
      };
    }
    if (stored !== anchor.hash) {
      return {
        ok: false,
        checked,
        anchor,
        problem: `event #${anchor.seq} has hash ${stored} in the database but ${anchor.hash} in the anchor at ${anchor.where}: the history was rewritten`,
      };
    }
    checked++;
  }
  return { ok: true, checked, ...(anchors.length ? { newest: anchors[anchors.length - 1] } : {}) };
}
