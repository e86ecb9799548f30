/**
 * Anchoring the chain head outside the database (PATCHCALL_AUDIT_CHANNEL) at each call and once a day, so a
 * database rolled back or rewritten wholesale is caught by `patchcall audit verify --anchors <export>`.
 */
import { anchorText } from '../audit/anchors';
import type { AppContext } from './app-context';

export const ANCHORED = 'audit.anchored';

export interface AnchoredPayload {
  seq: number;
  hash: string;
  channel: string;
  ts?: string;
  reason: 'call' | 'daily';
}

/** Posts a line of text where the anchors are kept; resolves to the message's Slack ts when it has one. */
export type AnchorPoster = (channel: string, text: string) => Promise<{ ts?: string }>;

/**
 * Posts the chain head as it is now with the installation's record-signing public key (so a record signed by it is
 * vouched for by the audit channel), then records the anchor (so the log also says which anchors Slack holds).
 */
export async function anchorChainHead(
  ctx: AppContext,
  post: AnchorPoster,
  request: { channel: string; reason: AnchoredPayload['reason']; now: Date },
): Promise<AnchoredPayload> {
  const head = ctx.events.head();
  const answer = await post(
    request.channel,
    `${anchorText(head, request.now.toISOString(), ctx.signingKey.publicKey)} (${request.reason})`,
  );
  const payload: AnchoredPayload = {
    seq: head.seq,
    hash: head.hash,
    channel: request.channel,
    reason: request.reason,
    ...(answer.ts ? { ts: answer.ts } : {}),
  };
  ctx.events.append({ type: ANCHORED, stream: 'audit', actor: 'system', payload });
  return payload;
}

/** When the last anchor was recorded (ISO time), for the daily schedule. */
export function lastAnchoredAt(ctx: AppContext): string | undefined {
  let last: string | undefined;
  for (const event of ctx.events.read({ stream: 'audit', type: ANCHORED })) last = event.at;
  return last;
}
