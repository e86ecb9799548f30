/** Small helpers for the app's own HTTP routes: a size-limited body reader and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPatchcallError, type ErrorCode } from '../common/errors';

export class RequestTooLargeError extends Error {
  constructor(limit: number) {
    super(
      `the request body is over the limit of ${(limit / 1024 / 1024).toFixed(1)} MiB (set PATCHCALL_MAX_INPUT_MB to raise it)`,
    );
  }
}

/** Reads the whole body, refusing (and stopping the upload) as soon as it passes `limit` bytes. */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new RequestTooLargeError(limit));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * The HTTP answer to a coded error: the status a client or a load balancer acts on, and the message, which says
 * what to do. An error without a code is a defect: its text stays in the log, the client gets only 500.
 */
export function errorAnswer(error: unknown): { status: number; body: { ok: false; error: string; message?: string } } {
  if (error instanceof RequestTooLargeError)
    return { status: 413, body: { ok: false, error: 'too_large', message: error.message } };
  if (!isPatchcallError(error) || error.code === 'INTERNAL')
    return { status: 500, body: { ok: false, error: 'internal_error' } };
  return {
    status: HTTP_STATUS[error.code],
    body: { ok: false, error: error.code.toLowerCase(), message: error.message },
  };
}

const HTTP_STATUS: Record<Exclude<ErrorCode, 'INTERNAL'>, number> = {
  BAD_INPUT: 400,
  USAGE: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  CONFLICT: 409,
  // the store cannot answer now, but can after a wait (BUSY) or after the operator acts (the rest): not a client error
  BUSY: 503,
  TABLES_DIFFER: 503,
  CHAIN_BROKEN: 503,
  DB_TOO_NEW: 503,
  BAD_DATABASE: 503,
  UNAVAILABLE: 503,
  DISK_FULL: 507,
  CONFIG: 500,
};
