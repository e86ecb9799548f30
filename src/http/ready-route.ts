/**
 * GET /readyz, for a load balancer or an orchestrator: 200 when this replica can serve (its database answers and,
 * in Socket Mode, its connection to Slack is up), else 503 naming what is down. /healthz stays liveness only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Patchcall } from '../app/patchcall';
import { sendJson } from './http-io';

/** `slackConnected` is undefined over HTTP, where Slack reaches the app through the load balancer instead. */
export function readyRoute(
  patchcall: Patchcall,
  slackConnected: () => boolean | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    void patchcall.storeReady().then(
      (database) => answer(res, database, slackConnected()),
      () => answer(res, false, slackConnected()),
    );
  };
}

function answer(res: ServerResponse, database: boolean, slack: boolean | undefined): void {
  const ok = database && slack !== false;
  sendJson(res, ok ? 200 : 503, {
    ok,
    database: database ? 'ready' : 'unavailable',
    slack: slack === undefined ? 'http' : slack ? 'connected' : 'disconnected',
  });
}
