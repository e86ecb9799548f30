/**
 * Runs the real Slack app (HTTP receiver, port 0, temp SQLite) against the local Slack stand-in, and sends it
 * requests signed the way Slack signs them. Forged, stale and retried deliveries are one option away.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import type { App } from '@slack/bolt';
import { openAppContext, type AppContext, type OpenAppContextOptions } from '../../src/app/app-context';
import type { AssessFn } from '../../src/app/convene-decision';
import { patchcallOver, type Patchcall } from '../../src/app/patchcall';
import {
  createSlackApp,
  SLACK_EVENTS_PATH,
  type CreateSlackAppOptions,
  type SlackApp,
} from '../../src/slack/create-slack-app';
import { createLogger } from '../../src/logging/logger';
import { clockOptions, readSlackConfig, type SlackConfig, type WebApiTuning } from '../../src/slack/slack-config';
import type { SlackDeps } from '../../src/slack/slack-deps';
import { startLocalSlackStandIn, type LocalSlackStandIn } from '../../dev/local-slack-stand-in';
import { tempDbPath } from './run-patchcall';
import slashCommandShape from '../fixtures/slack-payloads/interactivity/SlashCommandPayload.json';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_TEAM_ID = 'T0PATCHCALL';
export const TEST_APP_ID = 'A0PATCHCALL';
/** The person who sends requests unless a test says otherwise; seeded in the stand-in and in #patch-desk. */
export const TEST_USER = { id: 'U0TESTER1', name: 'tester', real_name: 'Test Er' };
export const TEST_CHANNEL_NAME = 'patch-desk';

/** Fast, few retries: a failing call in a test ends in well under a second. */
export const TEST_WEB_API_TUNING: WebApiTuning = {
  interactiveTimeoutMs: 1000,
  backgroundTimeoutMs: 400,
  backgroundRetries: 3,
  backgroundMinDelayMs: 10,
  backgroundMaxDelayMs: 50,
};

export interface SlackHarnessOptions {
  /** Outbox timings (e.g. a quick sweep after another process's lease expires). */
  outbox?: CreateSlackAppOptions['outbox'];
  /** How long Slack's answer on a user group counts as confirmed. */
  groupAnswerTtlMs?: number;
  /** Extra settings, as the environment would give them (e.g. PATCHCALL_INGEST_TOKEN, PATCHCALL_ADMINS). */
  env?: NodeJS.ProcessEnv;
  dbPath?: string;
  clock?: () => Date;
  /** Listener registration; defaults to the product's registerListeners. */
  register?: (app: App, deps: SlackDeps) => void;
  logLevel?: string;
  anchorIntervalMs?: number;
  /** The assessment convening uses (the product's own unless a test hands in a fixed one). */
  assess?: AssessFn;
  /**
   * Where the log lives: SQLite alone (default), or a PostgreSQL database (migrated here, empty or copied into)
   * with the app opened in this process as one replica on it, exactly as `main` opens it.
   */
  store?: HarnessStore;
}

export type HarnessStore = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface SignOptions {
  /** Seconds since the epoch to put in X-Slack-Request-Timestamp (default: now). */
  timestamp?: number;
  /** Replace the computed X-Slack-Signature (forgeries). */
  signature?: string;
  /** Sign with another secret (forgeries). */
  signingSecret?: string;
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
  /** Another app to send it to (its base URL, e.g. a replica in its own process on the same stand-in). */
  to?: string;
}

export interface SlackResponse {
  status: number;
  body: string;
  headers: Headers;
  /** Milliseconds from sending the request to the complete response (the ack). */
  ackMs: number;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CommandOptions extends SignOptions {
  command?: string;
  userId?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
}

export interface BlockActionOptions extends SignOptions {
  actionId: string;
  value?: string;
  blockId?: string;
  userId?: string;
  channelId?: string;
  /** The message the button sits on; omitted for buttons in a view. */
  messageTs?: string;
  view?: Record<string, unknown>;
  triggerId?: string;
}

export interface ViewSubmissionOptions extends SignOptions {
  callbackId: string;
  /** state.values: block_id → action_id → value object (e.g. `{ type: 'plain_text_input', value: 'x' }`). */
  values?: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  userId?: string;
  viewId?: string;
  blocks?: unknown[];
  triggerId?: string;
}

export interface SlackHarness {
  readonly standIn: LocalSlackStandIn;
  /** Base URL of the running app, e.g. http://127.0.0.1:40123 (changes on restart). */
  readonly url: string;
  /** The store as the app reads it: the SQLite file, or on PostgreSQL this replica's local copy (read only). */
  readonly ctx: AppContext;
  /** The application boundary the app runs on: tests write through it, never through `ctx`. */
  readonly patchcall: Patchcall;
  readonly store: HarnessStore;
  readonly deps: SlackDeps;
  readonly app: App;
  readonly config: SlackConfig;
  readonly dbPath: string;
  /** Id of #patch-desk, where TEST_USER and the bot are members. */
  readonly channelId: string;
  /** Everything the app logged, one JSON line per entry. */
  logs(): string;
  command(text: string, options?: CommandOptions): Promise<SlackResponse>;
  blockAction(options: BlockActionOptions): Promise<SlackResponse>;
  viewSubmission(options: ViewSubmissionOptions): Promise<SlackResponse>;
  /** Any interaction payload (block_actions, view_submission, shortcut…) as Slack posts it: form field `payload`. */
  interaction(payload: Record<string, unknown>, options?: SignOptions): Promise<SlackResponse>;
  /** An Events API event, wrapped in the event_callback envelope. */
  event(event: Record<string, unknown>, options?: SignOptions): Promise<SlackResponse>;
  /** A raw signed POST to /slack/events. */
  signedPost(body: string, contentType: string, options?: SignOptions): Promise<SlackResponse>;
  /** Any request to the app (unsigned), e.g. /healthz or /bulletins. */
  request(path: string, init?: RequestInit): Promise<SlackResponse>;
  /** Stops the app and starts a new one on the same database and stand-in. */
  restart(): Promise<void>;
  /** Stops the app and closes the store, leaving the stand-in running (another process may take over). */
  stopApp(): Promise<void>;
  /** Starts the app again on the same database and stand-in. */
  startApp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const standIn = await startLocalSlackStandIn({ teamId: TEST_TEAM_ID });
  standIn.addUser(TEST_USER);
  const channelId = standIn.addChannel({ name: TEST_CHANNEL_NAME, members: [TEST_USER.id, standIn.botUserId] });
  const dbPath = options.dbPath ?? tempDbPath();
  const config: SlackConfig = {
    ...readSlackConfig({
      SLACK_BOT_TOKEN: standIn.botToken,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
      PORT: '0',
      PATCHCALL_DB: dbPath,
      ...options.env,
    }),
    webApi: TEST_WEB_API_TUNING,
  };
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger({ level: options.logLevel ?? 'debug', destination: sink });

  const store: HarnessStore = options.store ?? { kind: 'sqlite' };
  // loaded only for PostgreSQL, as main does, so the SQLite flows never load pg
  if (store.kind === 'postgres')
    await (await import('../../src/app/postgres-store')).migratePostgresDatabase(store.url);
  let opened!: OpenedStore;
  let slackApp!: SlackApp;
  let url = '';
  const boot = async () => {
    opened = await openStore(store, {
      dbPath,
      ...(config.rulesDir ? { rulesDir: config.rulesDir } : {}),
      // PATCHCALL_CLOCK and PATCHCALL_REHEARSAL as main applies them, unless the test holds the clock itself
      ...clockOptions(config),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.assess ? { assess: options.assess } : {}),
    });
    slackApp = await createSlackApp({
      config,
      patchcall: opened.patchcall,
      logger,
      ...(options.register ? { register: options.register } : {}),
      ...(options.anchorIntervalMs ? { anchorIntervalMs: options.anchorIntervalMs } : {}),
      ...(options.outbox ? { outbox: options.outbox } : {}),
      ...(options.groupAnswerTtlMs !== undefined ? { groupAnswerTtlMs: options.groupAnswerTtlMs } : {}),
    });
    const port = await slackApp.start();
    url = `http://127.0.0.1:${port}`;
  };
  await boot();

  const send = async (path: string, init: RequestInit = {}, to = url): Promise<SlackResponse> => {
    const started = performance.now();
    const response = await fetch(to + path, init);
    const body = await response.text();
    const ackMs = performance.now() - started;
    return { status: response.status, body, headers: response.headers, ackMs, json: () => JSON.parse(body) };
  };
  const signedPost = (body: string, contentType: string, sign: SignOptions = {}) => {
    const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = sign.signature ?? slackSignature(sign.signingSecret ?? TEST_SIGNING_SECRET, timestamp, body);
    return send(
      SLACK_EVENTS_PATH,
      {
        method: 'POST',
        body,
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature,
          ...(sign.retryNum !== undefined
            ? { 'x-slack-retry-num': String(sign.retryNum), 'x-slack-retry-reason': sign.retryReason ?? 'http_timeout' }
            : {}),
          ...sign.headers,
        },
      },
      sign.to,
    );
  };
  const interaction = (payload: Record<string, unknown>, sign?: SignOptions) =>
    signedPost(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
      sign,
    );
  const userOf = (id: string | undefined) => ({
    id: id ?? TEST_USER.id,
    username: 'tester',
    name: 'tester',
    team_id: TEST_TEAM_ID,
  });

  return {
    standIn,
    get url() {
      return url;
    },
    get ctx() {
      return opened.ctx;
    },
    get patchcall() {
      return opened.patchcall;
    },
    store,
    get deps() {
      return slackApp.deps;
    },
    get app() {
      return slackApp.app;
    },
    config,
    dbPath,
    channelId,
    logs: () => logText,
    command(text, opts = {}) {
      const fields: Record<string, string> = {};
      // the field set Slack sends, from the recorded payload shape; values filled in for this request
      for (const key of Object.keys(slashCommandShape)) fields[key] = '';
      Object.assign(fields, {
        api_app_id: TEST_APP_ID,
        team_id: TEST_TEAM_ID,
        team_domain: 'patchcall-standin',
        channel_id: opts.channelId ?? channelId,
        channel_name: opts.channelName ?? TEST_CHANNEL_NAME,
        user_id: opts.userId ?? TEST_USER.id,
        user_name: 'tester',
        command: opts.command ?? '/patch',
        text,
        response_url: standIn.responseUrl(),
        trigger_id: opts.triggerId ?? standIn.issueTriggerId(),
        is_enterprise_install: 'false',
      });
      delete fields.enterprise_id;
      delete fields.enterprise_name;
      delete fields.token;
      return signedPost(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', opts);
    },
    blockAction(opts) {
      const inMessage = opts.messageTs !== undefined;
      const action = {
        type: 'button',
        action_id: opts.actionId,
        block_id: opts.blockId ?? 'actions',
        text: { type: 'plain_text', text: opts.actionId, emoji: true },
        ...(opts.value !== undefined ? { value: opts.value } : {}),
        action_ts: `${Date.now() / 1000}`,
      };
      return interaction(
        {
          type: 'block_actions',
          team: { id: TEST_TEAM_ID, domain: 'patchcall-standin' },
          user: userOf(opts.userId),
          api_app_id: TEST_APP_ID,
          trigger_id: opts.triggerId ?? standIn.issueTriggerId(),
          is_enterprise_install: false,
          container: inMessage
            ? {
                type: 'message',
                message_ts: opts.messageTs,
                channel_id: opts.channelId ?? channelId,
                is_ephemeral: false,
              }
            : { type: 'view', view_id: (opts.view?.id as string | undefined) ?? 'V0UNKNOWN' },
          ...(inMessage
            ? {
                channel: { id: opts.channelId ?? channelId, name: TEST_CHANNEL_NAME },
                message: { type: 'message', ts: opts.messageTs, text: '' },
                response_url: standIn.responseUrl(),
              }
            : { view: opts.view ?? {} }),
          state: { values: {} },
          actions: [action],
        },
        opts,
      );
    },
    viewSubmission(opts) {
      return interaction(
        {
          type: 'view_submission',
          team: { id: TEST_TEAM_ID, domain: 'patchcall-standin' },
          user: userOf(opts.userId),
          api_app_id: TEST_APP_ID,
          trigger_id: opts.triggerId ?? standIn.issueTriggerId(),
          is_enterprise_install: false,
          view: {
            id: opts.viewId ?? 'V0SUBMITTED',
            team_id: TEST_TEAM_ID,
            type: 'modal',
            callback_id: opts.callbackId,
            private_metadata: opts.privateMetadata ?? '',
            blocks: opts.blocks ?? [],
            state: { values: opts.values ?? {} },
            hash: '1.0',
            root_view_id: opts.viewId ?? 'V0SUBMITTED',
            app_id: TEST_APP_ID,
            bot_id: standIn.botId,
          },
          response_urls: [],
        },
        opts,
      );
    },
    interaction,
    event(event, sign) {
      const body = JSON.stringify({
        token: 'unused-verification-token',
        team_id: TEST_TEAM_ID,
        api_app_id: TEST_APP_ID,
        event,
        type: 'event_callback',
        event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1e6)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          { team_id: TEST_TEAM_ID, user_id: standIn.botUserId, is_bot: true, is_enterprise_install: false },
        ],
      });
      return signedPost(body, 'application/json', sign);
    },
    signedPost,
    request: (path, init) => send(path, init),
    async restart() {
      await slackApp.stop();
      await opened.close();
      await boot();
    },
    async stopApp() {
      await slackApp.stop();
      await opened.close();
    },
    startApp: boot,
    async stop() {
      await slackApp.stop();
      await opened.close();
      await standIn.stop();
    },
  };
}

interface OpenedStore {
  ctx: AppContext;
  patchcall: Patchcall;
  close(): Promise<void>;
}

async function openStore(
  store: HarnessStore,
  options: OpenAppContextOptions & { assess?: AssessFn },
): Promise<OpenedStore> {
  const { assess, ...contextOptions } = options;
  if (store.kind === 'postgres') {
    const { openReplicaPatchcall } = await import('../../src/app/replica-patchcall');
    const replica = await openReplicaPatchcall({ ...contextOptions, url: store.url, ...(assess ? { assess } : {}) });
    return { ctx: replica.replica.ctx, patchcall: replica.patchcall, close: replica.close };
  }
  const ctx = openAppContext(contextOptions);
  return { ctx, patchcall: patchcallOver(ctx, assess ? { assess } : {}), close: async () => ctx.close() };
}

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
