/**
 * The real app (`src/slack/main.ts`) in its own process, on a harness's store and stand-in, so a test can
 * kill -9 it right after an ack. Requests reach it the way Slack sends them: signed HTTP POSTs, or envelopes over
 * the stand-in's Socket Mode WebSocket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { slackSignature, TEST_SIGNING_SECRET, type SlackHarness } from './slack-harness';

const ROOT = join(__dirname, '../..');

export type Transport = 'http' | 'socket';

export interface ChildApp {
  readonly pid: number;
  /** The port of its own routes (/healthz, /readyz, /bulletins; and Slack's requests over HTTP). */
  readonly port: number;
  /** Delivers an interaction payload and resolves when the app acked it (HTTP status, or the envelope's ack). */
  deliver(payload: Record<string, unknown>): Promise<{ acked: boolean }>;
  output(): string;
  /** SIGKILL, and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), and wait for the process to be gone. */
  stop(): Promise<void>;
}

export async function startChildApp(
  h: SlackHarness,
  transport: Transport,
  env: Record<string, string> = {},
): Promise<ChildApp> {
  // this app's own connection: one more than were open before it started (several replicas each hold one)
  const connectedBefore = h.standIn.socketConnections();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', join(ROOT, 'test/helpers/ts-register.cjs'), join(ROOT, 'src/slack/main.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: h.standIn.botToken,
        SLACK_API_URL: h.standIn.apiUrl,
        PORT: '0',
        PATCHCALL_DB: h.dbPath,
        PATCHCALL_OUTBOX_LEASE_MS: '1000',
        // on the harness's store: another replica when the harness runs on PostgreSQL
        ...(h.store.kind === 'postgres' ? { PATCHCALL_DATABASE_URL: h.store.url } : {}),
        ...(transport === 'socket'
          ? { SLACK_APP_TOKEN: h.standIn.appToken }
          : { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const ready = await waitFor(() => /patchcall is ready/.test(output), 30_000);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`the child app did not start:\n${output}`);
  }
  const port = /"port":(\d+)/.exec(output)?.[1];
  if (transport === 'socket' && !(await waitFor(() => h.standIn.socketConnections() > connectedBefore, 10_000)))
    throw new Error(`the child app did not connect over Socket Mode:\n${output}`);
  return {
    pid: child.pid!,
    port: Number(port),
    async deliver(payload) {
      if (transport === 'socket') return h.standIn.sendEnvelope('interactive', payload);
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(TEST_SIGNING_SECRET, timestamp, body),
        },
      });
      return { acked: res.status === 200 };
    },
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A click on a card button, as Slack sends it. */
export function buttonClick(
  h: SlackHarness,
  click: { userId: string; actionId: string; value: string; cardTs: string; channel: string; actionTs: string },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0PATCHCALL', domain: 'patchcall-standin' },
    user: { id: click.userId, username: click.userId, name: click.userId, team_id: 'T0PATCHCALL' },
    api_app_id: 'A0PATCHCALL',
    trigger_id: h.standIn.issueTriggerId(),
    container: { type: 'message', message_ts: click.cardTs, channel_id: click.channel, is_ephemeral: false },
    channel: { id: click.channel, name: 'patch-ms08-067' },
    message: { type: 'message', ts: click.cardTs, text: '' },
    response_url: h.standIn.responseUrl(),
    actions: [
      { type: 'button', action_id: click.actionId, block_id: 'x', value: click.value, action_ts: click.actionTs },
    ],
  };
}

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return probe();
}
