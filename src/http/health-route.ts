/** GET /healthz: 200 {"ok":true} while the process runs and its database answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../app/app-context';
import { storeAnswers } from '../app/store-health';
import { sendJson } from './http-io';

export function healthRoute(ctx: AppContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    if (storeAnswers(ctx)) sendJson(res, 200, { ok: true });
    else sendJson(res, 503, { ok: false, error: 'database_unavailable' });
  };
}
