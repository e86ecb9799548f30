/**
 * The two Web API clients every Slack call goes through. They share token and base URL but not their request
 * queue: a 429 pauses a WebClient's whole queue for Retry-After seconds, and a `views.open` stuck behind it would
 * lose its 3-second trigger. So modal and ephemeral calls get a client that fails fast instead of waiting.
 */
import { webApi } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { SlackConfig } from './slack-config';

export type WebClient = webApi.WebClient;

export interface SlackClients {
  /** views.open / views.update / chat.postEphemeral: no queueing behind rate limits, short timeout, no retries. */
  interactive: WebClient;
  /** Uploads, exports, anchors: retries 429 (after Retry-After), 5xx and time-outs, bounded. */
  background: WebClient;
  /**
   * The outbox's client: fails fast (no retries, no waiting behind a 429) so the outbox decides when to retry and
   * renders the card again instead of resending a body rendered before the latest change.
   */
  effects: WebClient;
}

export type WebClientsConfig = Pick<SlackConfig, 'botToken' | 'slackApiUrl' | 'webApi'>;

export function createWebClients(config: WebClientsConfig, logger?: SlackLogger): SlackClients {
  const shared = { slackApiUrl: config.slackApiUrl, ...(logger ? { logger } : {}) };
  return {
    interactive: new webApi.WebClient(config.botToken, {
      ...shared,
      rejectRateLimitedCalls: true,
      timeout: config.webApi.interactiveTimeoutMs,
      retryConfig: { retries: 0 },
    }),
    background: new webApi.WebClient(config.botToken, {
      ...shared,
      timeout: config.webApi.backgroundTimeoutMs,
      retryConfig: backgroundRetryConfig(config),
    }),
    effects: new webApi.WebClient(config.botToken, {
      ...shared,
      rejectRateLimitedCalls: true,
      timeout: config.webApi.backgroundTimeoutMs,
      retryConfig: { retries: 0 },
    }),
  };
}

/** The retry policy of the background client, also given to Bolt's own per-request client. */
export function backgroundRetryConfig(config: Pick<SlackConfig, 'webApi'>): webApi.RetryOptions {
  return {
    retries: config.webApi.backgroundRetries,
    factor: 2,
    minTimeout: config.webApi.backgroundMinDelayMs,
    maxTimeout: config.webApi.backgroundMaxDelayMs,
    randomize: true,
  };
}
