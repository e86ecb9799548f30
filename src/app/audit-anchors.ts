/**
 * Anchoring the chain head outside the database (PATCHCALL_AUDIT_CHANNEL) at each call and once a day, so a
 * database rolled back or rewritten wholesale is caught by `patchcall audit verify --anchors <export>`.
 * An anchor is asked for in the log; the record outbox (src/app/record-outbox.ts) posts it and records its ts.
 */
import { randomUUID } from 'node:crypto';
import { anchorText } from '../audit/anchors';
import { RecordEffectEvents, type AnchorRequestedPayload } from '../audit/record-effects';
import type { AppContext } from './app-context';

export type { AnchoredPayload } from '../audit/record-effects';
export const ANCHORED = RecordEffectEvents.anchored;
export const AUDIT_STREAM = 'audit';

/**
 * Asks for the chain head as it is now to be anchored, with the installation's record-signing public key (so a
 * record signed by it is vouched for by the audit channel). The request fixes the text, so a retry posts the same.
 */
export function requestAnchor(
  ctx: AppContext,
  request: {
    channel: string;
    reason: AnchorRequestedPayload['reason'];
    now: Date;
    /**
     * Ask for nothing (undefined) when an anchor for the same reason was asked for less than this long before
     * `now`: every replica schedules the daily anchor, and the first to ask under the append lock is the one.
     */
    unlessAskedWithinMs?: number;
  },
): AnchorRequestedPayload | undefined {
  if (request.unlessAskedWithinMs !== undefined) {
    const last = lastAskedAt(ctx, request.reason);
    if (last !== undefined && request.now.getTime() - Date.parse(last) < request.unlessAskedWithinMs) return undefined;
  }
  const head = ctx.events.head();
  const payload: AnchorRequestedPayload = {
    key: `anchor:${randomUUID()}`,
    seq: head.seq,
    hash: head.hash,
    channel: request.channel,
    reason: request.reason,
    at: request.now.toISOString(),
    publicKey: ctx.signingKey.publicKey,
  };
  ctx.events.append({ type: RecordEffectEvents.anchorRequested, stream: AUDIT_STREAM, actor: 'system', payload });
  return payload;
}

/** The text of an anchor as it goes to the audit channel. */
export function anchorMessage(request: AnchorRequestedPayload): string {
  return `${anchorText(request, request.at, request.publicKey)} (${request.reason})`;
}

function lastAskedAt(ctx: AppContext, reason: AnchorRequestedPayload['reason']): string | undefined {
  let last: string | undefined;
  for (const event of ctx.events.read<AnchorRequestedPayload>({
    stream: AUDIT_STREAM,
    type: RecordEffectEvents.anchorRequested,
  }))
    if (event.payload.reason === reason && (!last || event.at > last)) last = event.at;
  return last;
}

/** When the last anchor was asked for or recorded (ISO time), for the daily schedule. */
export function lastAnchoredAt(ctx: AppContext): string | undefined {
  let last: string | undefined;
  for (const type of [ANCHORED, RecordEffectEvents.anchorRequested])
    for (const event of ctx.events.read({ stream: AUDIT_STREAM, type })) if (!last || event.at > last) last = event.at;
  return last;
}
