/**
 * Anchors: the chain head (sequence number and hash) posted to an audit channel outside the database, daily and
 * at each call. A database that was rolled back or rewritten wholesale still verifies on its own; compared with
 * the anchors Slack kept, it does not. A check proves something only if some anchor matched: a file with none, or
 * with the anchors of another chain, fails.
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
    for (const message of Array.isArray(messages) ? messages : []) {
      const m = message as { text?: unknown; ts?: unknown };
      add(m?.text, `message ts ${String(m?.ts ?? '?')}`);
    }
  }
  return anchors.sort((a, b) => a.seq - b.seq);
}

/** Events after the newest anchor: they are in the database but no outside record has witnessed them yet. */
export interface Unwitnessed {
  fromSeq: number;
  toSeq: number;
  count: number;
}

export type AnchorCheck =
  | { ok: true; checked: number; newest: Anchor; unwitnessed?: Unwitnessed }
  | { ok: false; checked: number; anchor?: Anchor; problem: string };

/**
 * `hashAt(seq)` is the database's hash for that event, or undefined when it has no such event; `headSeq` is the
 * database's newest event.
 */
export function checkAnchors(
  anchors: Anchor[],
  hashAt: (seq: number) => string | undefined,
  headSeq: number,
): AnchorCheck {
  if (anchors.length === 0)
    return {
      ok: false,
      checked: 0,
      problem:
        'the file holds no patchcall anchors (messages "patchcall anchor: seq=… hash=…"), so nothing was proven: export the audit channel, not another one',
    };
  const mismatches = anchors.filter((anchor) => {
    const stored = hashAt(anchor.seq);
    return stored !== undefined && stored !== anchor.hash;
  });
  if (mismatches.length === anchors.length)
    return {
      ok: false,
      checked: 0,
      anchor: anchors[0]!,
      problem: `none of the ${anchors.length} anchor${anchors.length === 1 ? '' : 's'} matches this database (event #${anchors[0]!.seq} has hash ${hashAt(anchors[0]!.seq)} here but ${anchors[0]!.hash} in the anchor at ${anchors[0]!.where}): the anchors belong to another chain (another database), or this history was rewritten from the start`,
    };
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
  const newest = anchors[anchors.length - 1]!;
  return {
    ok: true,
    checked,
    newest,
    ...(headSeq > newest.seq
      ? { unwitnessed: { fromSeq: newest.seq + 1, toSeq: headSeq, count: headSeq - newest.seq } }
      : {}),
  };
}
