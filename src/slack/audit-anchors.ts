/**
 * Posts the chain head to the audit channel (PATCHCALL_AUDIT_CHANNEL) at each call and once a day, so a database
 * rolled back or rewritten wholesale is caught by `patchcall audit verify --anchors <export of that channel>`.
 */
import { anchorText } from '../audit/anchors';
import type { SlackDeps } from './slack-deps';

export const ANCHORED = 'audit.anchored';
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface AnchoredPayload {
  seq: number;
  hash: string;
  channel: string;
  ts?: string;
  reason: 'call' | 'daily';
}

/** Posts one anchor; does nothing when no audit channel is configured. */
export async function postAnchor(
  deps: SlackDeps,
  reason: AnchoredPayload['reason'],
): Promise<AnchoredPayload | undefined> {
  const channel = deps.config.auditChannel;
  if (!channel) return undefined;
  const head = deps.ctx.events.head();
  const answer = await deps.clients.background.chat.postMessage({
    channel,
    text: `${anchorText(head, deps.now().toISOString(), deps.ctx.signingKey.publicKey)} (${reason})`,
    unfurl_links: false,
  });
  const payload: AnchoredPayload = {
    seq: head.seq,
    hash: head.hash,
    channel,
    reason,
    ...(answer.ts ? { ts: answer.ts } : {}),
  };
  // recorded after the post, so the log also says which anchors Slack holds
  deps.ctx.events.append({ type: ANCHORED, stream: 'audit', actor: 'system', payload });
  return payload;
}

/**
 * Anchors once a day: the first one a day after the last recorded anchor (at once if that is overdue), then every
 * `intervalMs`. Returns a stop function; the timers never keep the process alive.
 */
export function scheduleDailyAnchors(deps: SlackDeps, intervalMs = DAY_MS): () => void {
  if (!deps.config.auditChannel) return () => undefined;
  let last: string | undefined;
  for (const event of deps.ctx.events.read({ stream: 'audit', type: ANCHORED })) last = event.at;
  const sinceLast = last ? deps.now().getTime() - Date.parse(last) : Number.POSITIVE_INFINITY;
  const post = () =>
    void postAnchor(deps, 'daily').catch((error: Error) =>
      deps.logger.warn({ err: error.message }, 'posting the daily anchor failed; the next one will try again'),
    );
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(
    () => {
      post();
      interval = setInterval(post, intervalMs);
      interval.unref();
    },
    Math.max(0, intervalMs - sinceLast),
  );
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
