/**
 * POST /bulletins: a feed or a person pushes an advisory (any format `patchcall import` reads) with a bearer token;
 * it is imported whole (actor `ingest`) and committed to the event log before the answer goes out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ImportOutcome } from '../app/import-documents';
import type { Patchcall } from '../app/patchcall';
import { sniffDocument } from '../app/read-document';
import type { Logger } from '../logging/logger';
import { errorAnswer, readRequestBody, sendJson } from './http-io';

export const INGEST_ACTOR = 'ingest';

export interface BulletinsRouteOptions {
  patchcall: Patchcall;
  /** Unset: the route answers 503, so an unconfigured server never accepts anonymous imports. */
  ingestToken?: string;
  maxBytes: number;
  logger: Logger;
  /** Called after the import is committed and the answer sent. */
  afterImport?: (outcomes: ImportOutcome[], source: { actor: string }) => Promise<void>;
}

export function bulletinsRoute(
  options: BulletinsRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const expected = options.ingestToken === undefined ? undefined : digest(options.ingestToken);
  return async (req, res) => {
    if (expected === undefined)
      return sendJson(res, 503, {
        ok: false,
        error: 'ingest_disabled',
        message: 'set PATCHCALL_INGEST_TOKEN to accept bulletins over HTTP',
      });
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    // compare digests so neither the content nor the length of the token leaks through timing
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="patchcall"');
      return sendJson(res, 401, { ok: false, error: 'unauthorized' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = url.searchParams.get('name') || 'request body';
    const format = url.searchParams.get('format') || undefined;
    let outcomes: ImportOutcome[];
    try {
      const bytes = await readRequestBody(req, options.maxBytes);
      outcomes = await options.patchcall.importDocuments(
        [{ doc: sniffDocument(name, bytes, options.maxBytes), bytes }],
        {
          format,
          actor: INGEST_ACTOR,
        },
      );
    } catch (error) {
      const answer = errorAnswer(error);
      if (answer.status >= 500) options.logger.error({ err: (error as Error).message }, 'ingest failed');
      if (answer.status === 503) res.setHeader('Retry-After', '30');
      return sendJson(res, answer.status, answer.body);
    }
    const created = outcomes.some((o) => o.status === 'imported');
    options.logger.info(
      { documents: outcomes.map((o) => ({ format: o.format, status: o.status, eventSeq: o.eventSeq })) },
      'ingest',
    );
    sendJson(res, created ? 201 : 200, { ok: true, status: created ? 'imported' : 'unchanged', imported: outcomes });
    await options.afterImport?.(outcomes, { actor: INGEST_ACTOR });
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
