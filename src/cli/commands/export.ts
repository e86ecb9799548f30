/** `patchcall export <decision>` and `patchcall export --all --since <date>`: audit records for an auditor. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { webApi } from '@slack/bolt';
import { buildDecisionRecord, decisionsSince } from '../../app/export-decision';
import { findDecision } from '../../app/decision-log';
import type { AppContext } from '../../app/app-context';
import type { SlackMessage } from '../../audit/audit-record';
import { RECORD_FORMATS, renderRecord, type RecordFormat } from '../../audit/render-record';
import { PatchcallError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { fetchSlackThread } from '../../slack/fetch-slack-thread';
import { globalOptions, type CliRuntime } from '../cli-io';
import { formulaSafeCsv } from '../../common/safe-csv';

interface ExportCliOptions {
  format: string;
  out?: string;
  all?: boolean;
  since?: string;
}

export function registerExport(program: Command, runtime: CliRuntime): void {
  program
    .command('export')
    .description('export a decision as an audit record (json, csv, md, html); with --all, every decision into a folder')
    .argument('[decision]', 'decision id (as `/patch status` shows it) or bulletin id')
    .option('--format <format>', `one of ${RECORD_FORMATS.join(', ')}`, 'json')
    .option('--out <path>', 'write to this file (with --all: this folder) instead of standard output')
    .option('--all', 'every decision, as JSON and HTML records plus an index, into the --out folder')
    .option('--since <date>', 'with --all: only decisions convened on or after this ISO date')
    .action(async (decision: string | undefined, options: ExportCliOptions, command: Command) => {
      const global = globalOptions(command);
      const format = options.format as RecordFormat;
      if (!RECORD_FORMATS.includes(format))
        throw new PatchcallError(
          'USAGE',
          `--format must be one of ${RECORD_FORMATS.join(', ')}, not "${options.format}"`,
        );
      const ctx = runtime.open(global);
      const actor = `cli:${runtime.io.user}`;
      if (options.all) return exportAll(ctx, runtime, options, actor);
      if (!decision) throw new PatchcallError('USAGE', 'name a decision to export, or use --all --out <folder>');
      const thread = await slackThreadFor(runtime.io.env, ctx, decision);
      const text = renderRecord(buildDecisionRecord(ctx, decision, { exportedBy: actor, ...thread }), format);
      if (options.out) {
        writeFileSync(options.out, text);
        runtime.io.stderr(`wrote ${options.out}\n`);
      } else runtime.io.stdout(text);
    });
}

async function exportAll(
  ctx: AppContext,
  runtime: CliRuntime,
  options: ExportCliOptions,
  actor: string,
): Promise<void> {
  if (!options.out) throw new PatchcallError('USAGE', 'export --all needs --out <folder>');
  let since: string | undefined;
  if (options.since) {
    const reading = readIsoDate(options.since);
    if (!reading.ok) throw new PatchcallError('USAGE', `--since: ${reading.problem}`);
    since = reading.iso;
  }
  mkdirSync(options.out, { recursive: true });
  const index: string[][] = [['decision', 'bulletin', 'status', 'convened_at', 'call', 'file_json', 'file_html']];
  for (const id of decisionsSince(ctx, since)) {
    const record = buildDecisionRecord(ctx, id, {
      exportedBy: actor,
      ...(await slackThreadFor(runtime.io.env, ctx, id)),
    });
    const base = id.replace(/[^A-Za-z0-9._-]/g, '_');
    writeFileSync(join(options.out, `${base}.json`), renderRecord(record, 'json'));
    writeFileSync(join(options.out, `${base}.html`), renderRecord(record, 'html'));
    index.push([
      id,
      record.decision.bulletinId,
      record.decision.status,
      record.decision.convenedAt ?? '',
      record.decision.call?.outcome ?? '',
      `${base}.json`,
      `${base}.html`,
    ]);
  }
  writeFileSync(join(options.out, 'index.csv'), formulaSafeCsv(index));
  runtime.io.stderr(`wrote ${index.length - 1} decision record${index.length === 2 ? '' : 's'} to ${options.out}\n`);
}

/** The channel's thread, when a bot token is configured; an audit record without it says so by being empty. */
async function slackThreadFor(
  env: NodeJS.ProcessEnv,
  ctx: AppContext,
  decision: string,
): Promise<{ slackThread?: SlackMessage[]; names?: Record<string, string> }> {
  const token = env.SLACK_BOT_TOKEN;
  const channel = loadDecisionChannel(ctx, decision);
  if (!token || !channel) return {};
  const slackApiUrl = env.SLACK_API_URL || 'https://slack.com/api/';
  if (!/^https?:\/\/.+\/api\/$/.test(slackApiUrl))
    throw new PatchcallError('CONFIG', `SLACK_API_URL must be a base URL ending in /api/, not "${slackApiUrl}"`);
  const client = new webApi.WebClient(token, { slackApiUrl, retryConfig: { retries: 3 } });
  const { messages, names } = await fetchSlackThread(client, channel);
  return { slackThread: messages, names };
}

function loadDecisionChannel(ctx: AppContext, decision: string): string | undefined {
  try {
    return findDecision(ctx, decision).channel?.id;
  } catch {
    return undefined;
  }
}
