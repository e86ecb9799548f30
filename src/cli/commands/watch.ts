/** `patchcall watch <url|file> --every <duration>`: polls a feed and imports what is new, until stopped. */
import type { Command } from 'commander';
import type { Patchcall } from '../../app/patchcall';
import type { ImportOutcome } from '../../app/import-documents';
import { sniffDocument } from '../../app/read-document';
import { InputError, PatchcallError } from '../../common/errors';
import { utcTimeReplacer } from '../../common/time-format';
import { FeedPoller } from '../../http/feed-poller';
import { globalOptions, type CliRuntime } from '../cli-io';

export type WatchReport =
  | { at: Date; kind: 'unchanged-feed' }
  | { at: Date; kind: 'imported'; outcomes: ImportOutcome[] }
  | { at: Date; kind: 'error'; message: string };

export interface WatchOptions {
  everyMs: number;
  once: boolean;
  actor: string;
  format?: string;
  maxBytes: number;
  signal?: AbortSignal;
  onReport: (report: WatchReport) => void;
  clock?: () => Date;
}

/**
 * Polls `location` every `everyMs` and imports each new version. A failed poll (network, bad document) is
 * reported and the next one still happens; with `once`, the first failure is thrown instead.
 */
export async function watchFeed(patchcall: Patchcall, location: string, options: WatchOptions): Promise<void> {
  const poller = new FeedPoller(location, { maxBytes: options.maxBytes });
  const clock = options.clock ?? (() => new Date());
  for (;;) {
    try {
      const result = await poller.poll();
      if (!result.changed) options.onReport({ at: clock(), kind: 'unchanged-feed' });
      else {
        const outcomes = await patchcall.importDocuments(
          [{ doc: sniffDocument(result.name, result.bytes, options.maxBytes), bytes: result.bytes }],
          {
            ...(options.format ? { format: options.format } : {}),
            actor: options.actor,
          },
        );
        await patchcall.reassessAfterImport(outcomes, options.actor);
        options.onReport({ at: clock(), kind: 'imported', outcomes });
      }
    } catch (error) {
      if (options.once || !(error instanceof PatchcallError)) throw error;
      options.onReport({ at: clock(), kind: 'error', message: error.message });
    }
    if (options.once || options.signal?.aborted) return;
    await sleep(options.everyMs, options.signal);
    if (options.signal?.aborted) return;
  }
}

/** `30s`, `15m`, `1h`, `1d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  if (!match || Number(match[1]) === 0)
    throw new PatchcallError('USAGE', `--every takes a duration such as 30s, 15m or 1h, not "${text}"`);
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}

export function registerWatch(program: Command, runtime: CliRuntime): void {
  program
    .command('watch')
    .description('poll a KEV or CSAF feed (URL or file) and import each new version')
    .argument(
      '<location>',
      'http(s) URL (fetched with ETag/If-Modified-Since) or local file (checked by modification time)',
    )
    .option('--every <duration>', 'how often to poll: 30s, 15m, 1h', '1h')
    .option('--once', 'poll once and exit')
    .option('--format <name>', 'force the format instead of detecting it')
    .action(async (location: string, options: { every: string; once?: boolean; format?: string }, command: Command) => {
      const global = globalOptions(command);
      const everyMs = parseDuration(options.every);
      if (!/^https?:\/\//i.test(location) && /^[a-z]+:\/\//i.test(location))
        throw new InputError(location, 'only http(s) URLs and local files can be watched');
      const patchcall = await runtime.open(global, 'write');
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await watchFeed(patchcall, location, {
          everyMs,
          once: options.once ?? false,
          actor: `cli:${runtime.io.user}`,
          ...(options.format ? { format: options.format } : {}),
          maxBytes: runtime.config.maxInputBytes,
          signal: stop.signal,
          onReport: (report) => printReport(runtime, global, location, report, options.once ?? false),
          ...(runtime.io.clock ? { clock: runtime.io.clock } : {}),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function printReport(
  runtime: CliRuntime,
  global: { json?: boolean },
  location: string,
  report: WatchReport,
  once: boolean,
): void {
  const at = report.at.toISOString();
  if (report.kind === 'error') {
    runtime.io.stderr(`patchcall: ${at} ${report.message}\n`);
    return;
  }
  if (global.json) {
    const json =
      report.kind === 'imported' ? { at, location, imported: report.outcomes } : { at, location, imported: [] };
    runtime.io.stdout(JSON.stringify(json, utcTimeReplacer, once ? 2 : undefined) + '\n');
    return;
  }
  if (report.kind === 'unchanged-feed') runtime.io.stdout(`${at} ${location}: not modified\n`);
  else
    for (const o of report.outcomes)
      runtime.io.stdout(
        o.status === 'unchanged'
          ? `${at} ${location}: same content as event ${o.eventSeq}, nothing new\n`
          : `${at} ${location}: ${o.format}, ${o.summary} (event ${o.eventSeq})\n`,
      );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
