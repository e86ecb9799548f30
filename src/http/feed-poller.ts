/**
 * Fetches a feed (KEV, CSAF…) only when it changed: an HTTP(S) URL with ETag / If-Modified-Since, or a local file
 * by modification time and size. What it returns is then imported, which is idempotent by sha256 anyway.
 */
import { statSync, readFileSync } from 'node:fs';
import { InputError, PatchcallError } from '../common/errors';

export type PollResult = { changed: false } | { changed: true; name: string; bytes: Buffer };

export class FeedPoller {
  private etag?: string;
  private lastModified?: string;
  private fileStamp?: string;

  constructor(
    readonly location: string,
    private readonly options: { maxBytes: number; timeoutMs?: number; fetch?: typeof fetch },
  ) {}

  get isUrl(): boolean {
    return /^https?:\/\//i.test(this.location);
  }

  async poll(): Promise<PollResult> {
    return this.isUrl ? this.pollUrl() : this.pollFile();
  }

  private async pollUrl(): Promise<PollResult> {
    const headers: Record<string, string> = { accept: 'application/json, application/xml, text/csv, */*' };
    if (this.etag) headers['if-none-match'] = this.etag;
    if (this.lastModified) headers['if-modified-since'] = this.lastModified;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.location, {
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new PatchcallError(
        'UNAVAILABLE',
        `${this.location}: cannot fetch: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
      );
    }
    if (response.status === 304) return { changed: false };
    if (!response.ok)
      throw new PatchcallError(
        'UNAVAILABLE',
        `${this.location}: the server answered HTTP ${response.status} ${response.statusText}`,
      );
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > this.options.maxBytes) {
      await response.body?.cancel();
      throw new InputError(
        this.location,
        `the feed is ${declared} bytes, over the import limit of ${this.options.maxBytes}`,
      );
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > this.options.maxBytes)
      throw new InputError(
        this.location,
        `the feed is ${bytes.length} bytes, over the import limit of ${this.options.maxBytes}`,
      );
    this.etag = response.headers.get('etag') ?? undefined;
    this.lastModified = response.headers.get('last-modified') ?? undefined;
    return { changed: true, name: this.location, bytes };
  }

  private pollFile(): PollResult {
    let stamp: string;
    try {
      const stat = statSync(this.location);
      if (!stat.isFile()) throw new InputError(this.location, 'not a regular file');
      if (stat.size > this.options.maxBytes)
        throw new InputError(
          this.location,
          `file is ${stat.size} bytes, over the import limit of ${this.options.maxBytes}`,
        );
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(
        this.location,
        `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (stamp === this.fileStamp) return { changed: false };
    this.fileStamp = stamp;
    return { changed: true, name: this.location, bytes: readFileSync(this.location) };
  }
}
