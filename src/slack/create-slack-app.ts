/**
 * Builds the Bolt app around the product's listeners: HTTP receiver (POST /slack/events, signed) or Socket Mode,
 * the app's own routes (/healthz, /bulletins), the Web API clients, one error handler, and a fallback answer for
 * anything no listener acknowledged.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { AppContext } from '../app/app-context';
import { bulletinsRoute } from '../http/bulletins-route';
import { healthRoute } from '../http/health-route';
import { registerListeners } from './listeners/register-listeners';
import { scheduleDailyAnchors } from './audit-anchors';
import { boltLogger, type Logger } from './logger';
import { answerUnhandled } from './platform/answer-unhandled';
import { ImportNotifier } from './platform/import-notifier';
import type { SlackConfig } from './slack-config';
import type { SlackDeps } from './slack-deps';
import { backgroundRetryConfig, createWebClients } from './web-clients';
import { PatchcallError } from '../common/errors';
import { loadQuorumPolicy } from '../app/decision-quorum-policy';
import { RoleMembership } from '../app/role-membership';
import { SlackOutbox, type OutboxOptions } from '../app/slack-outbox';
import { checkQuorum } from '../decisions/check-quorum';
import type { DecisionState } from '../decisions/decision-model';
import { decisionCard, decisionCardText } from './blocks/decision-card';
import { SlackGateway } from './slack-gateway';
import { tellAboutRefusedEffect } from './listeners/tell-user';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface CreateSlackAppOptions {
  config: SlackConfig;
  ctx: AppContext;
  logger: Logger;
  now?: () => Date;
  /** Registers the product's listeners; the benchmark passes a bare one to measure the platform alone. */
  register?: (app: App, deps: SlackDeps) => void;
  /** How often the chain head is anchored in the audit channel; a day unless a test says otherwise. */
  anchorIntervalMs?: number;
  /** Outbox timings (tests and benchmarks shorten them). */
  outbox?: Omit<OutboxOptions, 'logger' | 'onRefused'>;
  /** How often the user-group cache is refreshed from Slack; ten minutes unless a test says otherwise. */
  groupRefreshMs?: number;
}

const GROUP_REFRESH_MS = 10 * 60 * 1000;

export interface SlackApp {
  app: App;
  deps: SlackDeps;
  /** Starts listening (HTTP on config.port, or Socket Mode plus the routes on config.port); resolves to the bound HTTP port. */
  start(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function createSlackApp(options: CreateSlackAppOptions): Promise<SlackApp> {
  const { config, ctx, logger } = options;
  const slackLogger = boltLogger(logger, 'slack');
  const clients = createWebClients(config, boltLogger(logger, 'web-api'));
  // one auth.test up front: a wrong token stops start-up with a clear message, and Bolt needs no call of its own
  const identity = await clients.interactive.auth.test().catch((error: unknown) => {
    const refused = (error as { data?: { error?: string } }).data?.error;
    throw new PatchcallError(
      'CONFIG',
      refused !== undefined
        ? `Slack refused SLACK_BOT_TOKEN (auth.test answered "${refused}" at ${config.slackApiUrl})`
        : `cannot reach the Slack Web API at ${config.slackApiUrl} (check SLACK_API_URL and the network): ${(error as Error).message}`,
    );
  });
  const notifier = new ImportNotifier(logger);
  const policy = loadQuorumPolicy(ctx.rulesDir);
  const renderCard = (state: DecisionState) => ({
    blocks: decisionCard(
      state,
      state.assessment ? checkQuorum(state, policy, state.assessment.summary.recommendedCall) : undefined,
    ),
    text: decisionCardText(state),
  });
  const gateway = new SlackGateway(clients, renderCard, identity.user_id as string);
  const membership = new RoleMembership(ctx, gateway, logger);
  const deps = {} as SlackDeps;
  const outbox = new SlackOutbox(ctx, gateway, {
    ...options.outbox,
    logger,
    onRefused: (state, effect, error) => tellAboutRefusedEffect(deps, state, effect, error),
  });
  Object.assign(deps, {
    ctx,
    clients,
    config,
    logger,
    now: options.now ?? ctx.clock,
    imports: notifier,
    outbox,
    membership,
    gateway,
    policy,
  } satisfies SlackDeps);
  const ingest = bulletinsRoute({
    ctx,
    ...(config.ingestToken !== undefined ? { ingestToken: config.ingestToken } : {}),
    maxBytes: config.maxInputBytes,
    logger,
    afterImport: (outcomes, source) => notifier.notify(outcomes, source),
  });
  const routes: CustomRoute[] = [
    { path: '/healthz', method: ['GET'], handler: healthRoute(ctx) },
    { path: '/bulletins', method: ['POST'], handler: (req, res) => void ingest(req, res) },
  ];

  const receiver = answerUnhandled(buildReceiver(config, routes, slackLogger), logger);
  const app = new App({
    receiver,
    token: config.botToken,
    botId: identity.bot_id as string,
    botUserId: identity.user_id as string,
    logger: slackLogger,
    clientOptions: {
      slackApiUrl: config.slackApiUrl,
      retryConfig: backgroundRetryConfig(config),
      timeout: config.webApi.backgroundTimeoutMs,
    },
  });
  app.error(async (error) => {
    const data = (error as { data?: { error?: string } }).data;
    logger.error(
      { code: error.code, name: error.name, err: error.message, slackError: data?.error },
      'error in a Slack listener',
    );
  });
  (options.register ?? registerListeners)(app, deps);

  let server: Server | undefined;
  let stopAnchors = () => undefined as void;
  return {
    app,
    deps,
    async start() {
      stopAnchors = scheduleDailyAnchors(deps, options.anchorIntervalMs);
      // reconcile every decision with Slack (a restart may have left a position off its card), then keep at it
      outbox.start();
      membership.startPeriodicRefresh(options.groupRefreshMs ?? GROUP_REFRESH_MS);
      void membership.refresh();
      if (config.mode === 'socket') {
        await app.start();
        return config.port;
      }
      server = (await app.start(config.port)) as Server;
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      stopAnchors();
      membership.stop();
      await outbox.stop();
      const stopped = app.stop();
      // server.close() waits for idle keep-alive sockets; drop them so a stop is prompt
      server?.closeAllConnections();
      await stopped;
    },
  };
}

function buildReceiver(
  config: SlackConfig,
  customRoutes: CustomRoute[],
  logger: ReturnType<typeof boltLogger>,
): Receiver {
  if (config.mode === 'socket') {
    return new SocketModeReceiver({
      appToken: config.appToken!,
      logger,
      customRoutes,
      installerOptions: {
        port: config.port,
        // apps.connections.open goes through this client: same base URL, bounded retries
        clientOptions: { slackApiUrl: config.slackApiUrl, retryConfig: backgroundRetryConfig(config) },
      },
    });
  }
  return new HTTPReceiver({
    signingSecret: config.signingSecret!,
    endpoints: SLACK_EVENTS_PATH,
    port: config.port,
    customRoutes,
    logger,
    // Slack bodies are small; the ingest route reads its own (bigger) bodies with its own limit
    bodyLimit: 1024 * 1024,
  });
}
