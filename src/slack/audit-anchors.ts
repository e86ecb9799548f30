/**
 * Anchors the chain head in the audit channel at each call and once a day: asked for in the log (src/app/audit-anchors.ts),
 * posted by the record outbox.
 */
import type { AnchorRequestedPayload } from '../audit/record-effects';
import type { SlackDeps } from './slack-deps';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Asks for one anchor and has the outbox post it; does nothing when no audit channel is configured. */
export async function postAnchor(
  deps: SlackDeps,
  reason: AnchorRequestedPayload['reason'],
  options: { unlessAskedWithinMs?: number } = {},
): Promise<AnchorRequestedPayload | undefined> {
  const channel = deps.config.auditChannel;
  if (!channel) return undefined;
  const request = await deps.patchcall.requestAnchor({ channel, reason, now: deps.now(), ...options });
  if (request) deps.records.nudge();
  return request;
}

/**
 * Anchors once a day: the first one a day after the last recorded anchor (at once if that is overdue), then every
 * `intervalMs`, unless another replica asked for the interval's anchor already. Returns a stop function; the timers never keep the process alive.
 */
export function scheduleDailyAnchors(deps: SlackDeps, intervalMs = DAY_MS): () => void {
  if (!deps.config.auditChannel) return () => undefined;
  const last = deps.patchcall.lastAnchoredAt();
  const sinceLast = last ? deps.now().getTime() - Date.parse(last) : Number.POSITIVE_INFINITY;
  // replicas each keep this schedule: the first to ask in an interval posts it; slack absorbs timer jitter
  const unlessAskedWithinMs = intervalMs - Math.min(intervalMs / 10, 60_000);
  const post = () =>
    void postAnchor(deps, 'daily', { unlessAskedWithinMs }).catch((error: Error) =>
      deps.logger.warn({ err: error.message }, 'asking for the daily anchor failed; the next one will try again'),
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
