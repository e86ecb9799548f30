/** Small helpers for the app's own HTTP routes: a size-limited body reader and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

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
