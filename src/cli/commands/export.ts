/** `patchcall export <decision>` and `patchcall export --all --since <date>`: audit records for an auditor. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { webApi } from '@slack/bolt';
import type { Patchcall } from '../../app/patchcall';
import type { PersonName } from '../../app/name-people';
import type { SlackMessage } from '../../audit/audit-record';
import { RECORD_FORMATS, renderRecord, type RecordFormat } from '../../app/contract';
import { PatchcallError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { fetchSlackProfiles, fetchSlackThread } from '../../slack/fetch-slack-thread';
import { globalOptions, type CliRuntime } from '../cli-io';
import { formulaSafeCsv } from '../../common/safe-csv';

interface ExportCliOptions {
  format: string;
  out?: string;
  all?: boolean;
  since?: string;
  as?: string;
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
    .option('--as <name>', 'who is exporting, for the record (default: the operating-system user)')
    .action(async (decision: string | undefined, options: ExportCliOptions, command: Command) => {
      const global = globalOptions(command);
      const format = options.format as RecordFormat;
      if (!RECORD_FORMATS.includes(format))
        throw new PatchcallError(
          'USAGE',
          `--format must be one of ${RECORD_FORMATS.join(', ')}, not "${options.format}"`,
        );
      const patchcall = await runtime.open(global);
      const actor = `cli:${runtime.io.user}`;
      const exporter: Record<string, PersonName> = {
        [actor]: { name: options.as?.trim() || runtime.io.user, source: 'cli' },
      };
      if (options.all) return exportAll(patchcall, runtime, options, actor, exporter);
      if (!decision) throw new PatchcallError('USAGE', 'name a decision to export, or use --all --out <folder>');
      const thread = await slackThreadFor(runtime.io.env, patchcall, decision);
      const record = await patchcall.buildDecisionRecord(decision, {
        exportedBy: actor,
        slackThread: thread.slackThread ?? [],
        names: { ...thread.names, ...exporter },
      });
      const text = renderRecord(record, format);
      const name = options.out ?? `stdout.${format}`;
      if (options.out) {
        writeFileSync(options.out, text);
        runtime.io.stderr(`wrote ${options.out}\n`);
      } else runtime.io.stdout(text);
      await patchcall.recordExport(record, { userId: actor, files: [{ name, format, content: text }] });
    });
}

async function exportAll(
  patchcall: Patchcall,
  runtime: CliRuntime,
  options: ExportCliOptions,
  actor: string,
  exporter: Record<string, PersonName>,
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
  for (const id of patchcall.decisionsSince(since)) {
    const thread = await slackThreadFor(runtime.io.env, patchcall, id);
    const record = await patchcall.buildDecisionRecord(id, {
      exportedBy: actor,
      slackThread: thread.slackThread ?? [],
      names: { ...thread.names, ...exporter },
    });
    const base = id.replace(/[^A-Za-z0-9._-]/g, '_');
    const files = (['json', 'html'] as const).map((format) => ({
      name: `${base}.${format}`,
      format,
      content: renderRecord(record, format),
    }));
    for (const file of files) writeFileSync(join(options.out, file.name), file.content);
    await patchcall.recordExport(record, { userId: actor, files });
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
  patchcall: Patchcall,
  decision: string,
): Promise<{ slackThread?: SlackMessage[]; names?: Record<string, PersonName> }> {
  const token = env.SLACK_BOT_TOKEN;
  const channel = decisionChannel(patchcall, decision);
  if (!token || !channel) return {};
  const slackApiUrl = env.SLACK_API_URL || 'https://slack.com/api/';
  if (!/^https?:\/\/.+\/api\/$/.test(slackApiUrl))
    throw new PatchcallError('CONFIG', `SLACK_API_URL must be a base URL ending in /api/, not "${slackApiUrl}"`);
  const client = new webApi.WebClient(token, { slackApiUrl, retryConfig: { retries: 3 } });
  const people = patchcall.decisionPeople(patchcall.findDecision(decision).id);
  const { messages, names } = await fetchSlackThread(client, channel, people);
  return { slackThread: messages, names: await fetchSlackProfiles(client, people, names) };
}

function decisionChannel(patchcall: Patchcall, decision: string): string | undefined {
  try {
    return patchcall.findDecision(decision).channel?.id;
  } catch {
    return undefined;
  }
}
