/** Posts the chain head to the audit channel at each call and once a day (the use case is src/app/audit-anchors.ts). */
import type { AnchoredPayload } from '../app/audit-anchors';
import type { SlackDeps } from './slack-deps';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Posts one anchor; does nothing when no audit channel is configured. */
export async function postAnchor(
  deps: SlackDeps,
  reason: AnchoredPayload['reason'],
): Promise<AnchoredPayload | undefined> {
  const channel = deps.config.auditChannel;
  if (!channel) return undefined;
  return deps.patchcall.anchorChainHead(
    async (to, text) => {
      const answer = await deps.clients.background.chat.postMessage({ channel: to, text, unfurl_links: false });
      return answer.ts ? { ts: answer.ts } : {};
    },
    { channel, reason, now: deps.now() },
  );
}

/**
 * Anchors once a day: the first one a day after the last recorded anchor (at once if that is overdue), then every
 * `intervalMs`. Returns a stop function; the timers never keep the process alive.
 */
export function scheduleDailyAnchors(deps: SlackDeps, intervalMs = DAY_MS): () => void {
  if (!deps.config.auditChannel) return () => undefined;
  const last = deps.patchcall.lastAnchoredAt();
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
