/**
 * Slack app settings from the environment, read once at start-up and checked up front: a missing or malformed
 * value stops the app with a message naming the variable.
 */
import { ConfigError, PatchcallError } from '../common/errors';
import { readConfig, type Config } from '../config';
import { clockOptions } from '../common/simulated-clock';

/** Kept here too: the app's entry and the test harness open the store with the clock the config names. */
export { clockOptions };

/** How hard each Web API client tries before it gives up; production defaults, tests pass faster ones. */
export interface WebApiTuning {
  /** Per-request timeout for the interactive client (views.open must finish inside a 3 s trigger). */
  interactiveTimeoutMs: number;
  /** Per-request timeout for the background client. */
  backgroundTimeoutMs: number;
  /** Retries of the background client for 429 (after Retry-After), 5xx and time-outs. */
  backgroundRetries: number;
  /** Back-off bounds between background retries. */
  backgroundMinDelayMs: number;
  backgroundMaxDelayMs: number;
}

export const PRODUCTION_WEB_API_TUNING: WebApiTuning = {
  interactiveTimeoutMs: 2500,
  backgroundTimeoutMs: 15_000,
  backgroundRetries: 5,
  backgroundMinDelayMs: 1000,
  backgroundMaxDelayMs: 30_000,
};

export interface SlackConfig extends Config {
  /** `socket` when SLACK_APP_TOKEN is set, else `http` (Slack posts to /slack/events). */
  mode: 'http' | 'socket';
  botToken: string;
  /** Required in HTTP mode; optional in Socket Mode (envelopes are not signed). */
  signingSecret?: string;
  appToken?: string;
  port: number;
  /** Base URL of the Web API, ending in `/api/`; Slack's own unless SLACK_API_URL points at a stand-in. */
  slackApiUrl: string;
  /** Bearer token for POST /bulletins; the route answers 503 while it is unset. */
  ingestToken?: string;
  /** Slack user ids allowed to administer patchcall. */
  admins: string[];
  /** Channel id (or name) where decisions are announced for the record. */
  auditChannel?: string;
  webApi: WebApiTuning;
  /**
   * How long the outbox's lease on a decision lasts: longer than the slowest Slack call, short enough that another
   * process takes over soon after this one dies (PATCHCALL_OUTBOX_LEASE_MS).
   */
  outboxLeaseMs: number;
}

export const DEFAULT_OUTBOX_LEASE_MS = 30_000;

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_PORT = 3000;

/** Start-up without any Slack token: say what is needed and where the offline walk-through is. */
export class MissingSlackTokensError extends PatchcallError {
  constructor() {
    super(
      'CONFIG',
      'patchcall needs Slack tokens to start: set SLACK_BOT_TOKEN (xoxb-…) and either SLACK_SIGNING_SECRET (HTTP mode) ' +
        'or SLACK_APP_TOKEN (xapp-…, Socket Mode). See manifest.yml to create the app. ' +
        'For the offline walk-through without Slack, run `npm run demo`.',
    );
  }
}

export function readSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const base = readConfig(env);
  const botToken = nonEmpty(env.SLACK_BOT_TOKEN);
  const appToken = nonEmpty(env.SLACK_APP_TOKEN);
  const signingSecret = nonEmpty(env.SLACK_SIGNING_SECRET);
  if (!botToken && !appToken && !signingSecret) throw new MissingSlackTokensError();
  if (!botToken)
    throw configError('SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from the app\'s "OAuth & Permissions" page');
  if (!botToken.startsWith('xoxb-')) throw configError('SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    throw configError(
      'SLACK_APP_TOKEN must be an app-level token starting with "xapp-" (with the connections:write scope)',
    );
  }
  const mode = appToken ? 'socket' : 'http';
  if (mode === 'http' && !signingSecret) {
    throw configError(
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode): the "Signing Secret" from the app\'s "Basic Information" page',
    );
  }
  return {
    ...base,
    mode,
    botToken,
    ...(signingSecret ? { signingSecret } : {}),
    ...(appToken ? { appToken } : {}),
    port: readPort(env.PORT),
    slackApiUrl: readApiUrl(env.SLACK_API_URL),
    ...(nonEmpty(env.PATCHCALL_INGEST_TOKEN) ? { ingestToken: readIngestToken(env.PATCHCALL_INGEST_TOKEN!) } : {}),
    admins: readAdmins(env.PATCHCALL_ADMINS),
    ...(nonEmpty(env.PATCHCALL_AUDIT_CHANNEL) ? { auditChannel: readChannel(env.PATCHCALL_AUDIT_CHANNEL!) } : {}),
    webApi: PRODUCTION_WEB_API_TUNING,
    outboxLeaseMs: readLeaseMs(env.PATCHCALL_OUTBOX_LEASE_MS),
  };
}

function readLeaseMs(value: string | undefined): number {
  if (nonEmpty(value) === undefined) return DEFAULT_OUTBOX_LEASE_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000)
    throw configError(
      `PATCHCALL_OUTBOX_LEASE_MS must be a whole number of milliseconds, at least 1000, not "${value}"`,
    );
  return ms;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function configError(message: string): ConfigError {
  return new ConfigError(message);
}

function readPort(value: string | undefined): number {
  if (nonEmpty(value) === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw configError(`PORT must be a TCP port number (0–65535), not "${value}"`);
  return port;
}

function readApiUrl(value: string | undefined): string {
  const text = nonEmpty(value);
  if (text === undefined) return DEFAULT_SLACK_API_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError(`SLACK_API_URL must be a URL such as https://slack.com/api/, not "${text}"`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    !url.pathname.endsWith('/api/') ||
    url.search ||
    url.hash
  ) {
    throw configError(
      `SLACK_API_URL must be an http(s) base URL ending in "/api/" (like https://slack.com/api/), not "${text}"`,
    );
  }
  return url.toString();
}

function readIngestToken(value: string): string {
  const token = value.trim();
  // a short token can be guessed; the route compares in constant time but that does not help a weak secret
  if (token.length < 16)
    throw configError('PATCHCALL_INGEST_TOKEN must be at least 16 characters long (use a random string)');
  return token;
}

function readAdmins(value: string | undefined): string[] {
  const text = nonEmpty(value);
  if (text === undefined) return [];
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = ids.find((id) => !/^[UW][A-Z0-9]+$/.test(id));
  if (bad !== undefined)
    throw configError(
      `PATCHCALL_ADMINS must be a comma-separated list of Slack user ids (U… or W…), and "${bad}" is not one`,
    );
  return ids;
}

function readChannel(value: string): string {
  const channel = value.trim().replace(/^#/, '');
  if (!/^[CG][A-Z0-9]+$/.test(channel) && !/^[a-z0-9_-]{1,80}$/.test(channel)) {
    throw configError(`PATCHCALL_AUDIT_CHANNEL must be a channel id (C…) or a channel name, not "${value}"`);
  }
  return channel;
}
