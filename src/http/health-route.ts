/** GET /healthz: 200 {"ok":true} while the process runs and its database answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Patchcall } from '../app/patchcall';
import { sendJson } from './http-io';

export function healthRoute(patchcall: Patchcall): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    if (patchcall.storeAnswers()) sendJson(res, 200, { ok: true });
    else sendJson(res, 503, { ok: false, error: 'database_unavailable' });
  };
}
