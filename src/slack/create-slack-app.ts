/**
 * Builds the Bolt app around the product's listeners: HTTP receiver (POST /slack/events, signed) or Socket Mode,
 * the app's own routes (/healthz, /bulletins), the Web API clients, and the one error path that answers every
 * request (src/slack/platform/answer-every-request.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Patchcall } from '../app/patchcall';
import { bulletinsRoute } from '../http/bulletins-route';
import { healthRoute } from '../http/health-route';
import { readyRoute } from '../http/ready-route';
import { socketConnected } from './socket-state';
import { registerListeners } from './listeners/register-listeners';
import { scheduleDailyAnchors } from './audit-anchors';
import type { Logger } from '../logging/logger';
import { boltLogger } from './bolt-logger';
import { RequestAnswerer } from './platform/answer-every-request';
import { ImportNotifier } from './platform/import-notifier';
import type { SlackConfig } from './slack-config';
import type { SlackDeps } from './slack-deps';
import { backgroundRetryConfig, createWebClients, type SlackClients } from './web-clients';
import { HomeGateway } from './home-gateway';
import { ConfigError } from '../common/errors';
import type { OutboxOptions } from '../app/slack-outbox';
import type { DecisionState } from '../decisions/decision-model';
import { callMessage, decisionCard, decisionCardText } from './blocks/decision-card';
import { SlackGateway, type DecisionRenderer } from './slack-gateway';
import { RecordEffectsGateway } from './record-effects-gateway';
import { tellAboutRefusedEffect } from './listeners/tell-user';
import { noticeMessage } from './blocks/notice-message';
import { digestMessage } from './blocks/digest-message';
import { tellAboutFailedExport } from './listeners/export-command';
import { afterPendingAcks, coalescedWithin } from './listeners/after-ack';
import { settledCallCheck, settledRoleCheck } from './listeners/role-check-notes';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface CreateSlackAppOptions {
  config: SlackConfig;
  patchcall: Patchcall;
  logger: Logger;
  now?: () => Date;
  /** Registers the product's listeners; the benchmark passes a bare one to measure the platform alone. */
  register?: (app: App, deps: SlackDeps) => void;
  /** How often the chain head is anchored in the audit channel; a day unless a test says otherwise. */
  anchorIntervalMs?: number;
  /** Outbox timings (tests and benchmarks shorten them). */
  outbox?: Omit<OutboxOptions, 'logger' | 'onRefused' | 'onNudge'>;
  /** How often the App Home publisher looks for Homes changed by time alone or by another process (30 s). */
  homeSweepMs?: number;
  /** The deadline scheduler's longest sleep between looks at the log (a minute unless a test says otherwise). */
  schedulerMaxSleepMs?: number;
  /** How often the user-group cache is refreshed from Slack; ten minutes unless a test says otherwise. */
  groupRefreshMs?: number;
  /** How long Slack's answer on a user group's members counts as confirmed (src/app/role-membership.ts). */
  groupAnswerTtlMs?: number;
}

const GROUP_REFRESH_MS = 10 * 60 * 1000;
/** How long appends are gathered before the deadline scheduler and the App Home publisher look at the log again. */
const APPEND_NUDGE_MS = 50;

export interface SlackApp {
  app: App;
  deps: SlackDeps;
  /** Starts listening (HTTP on config.port, or Socket Mode plus the routes on config.port); resolves to the bound HTTP port. */
  start(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function createSlackApp(options: CreateSlackAppOptions): Promise<SlackApp> {
  const { config, patchcall, logger } = options;
  const slackLogger = boltLogger(logger, 'slack');
  const clients = createWebClients(config, boltLogger(logger, 'web-api'));
  const identity = await confirmBotToken(clients, config);
  const notifier = new ImportNotifier(logger);
  // read at start, so a wrong rules/quorum.json stops the app here and not at the first click
  patchcall.quorumPolicy();
  const gateway = new SlackGateway(clients, decisionRenderer(patchcall), identity.userId);
  const deps = {} as SlackDeps;
  const workers = createWorkers(options, deps, clients, gateway, identity.userId);
  Object.assign(deps, {
    patchcall,
    clients,
    config,
    logger,
    now: options.now ?? patchcall.clock,
    imports: notifier,
    outbox: workers.outbox,
    records: workers.records,
    membership: workers.membership,
    roleChecks: workers.roleChecks,
    gateway,
    scheduler: workers.scheduler,
    homes: workers.homes,
  } satisfies SlackDeps);
  let transport: Receiver | undefined;

  const answerer = new RequestAnswerer({
    logger,
    direct: async (user, text) => void (await clients.background.chat.postMessage({ channel: user, text })),
  });
  const receiver = answerer.wrap(
    (transport = buildReceiver(
      config,
      appRoutes(options, notifier, () => socketConnected(transport)),
      slackLogger,
    )),
  );
  const app = new App({
    receiver,
    token: config.botToken,
    botId: identity.botId,
    botUserId: identity.userId,
    logger: slackLogger,
    // the error handler is told which request failed, so the person who sent it gets an answer
    extendedErrorHandler: true,
    clientOptions: {
      slackApiUrl: config.slackApiUrl,
      retryConfig: backgroundRetryConfig(config),
      timeout: config.webApi.backgroundTimeoutMs,
    },
  });
  app.error(answerer.onError);
  (options.register ?? registerListeners)(app, deps);
  return withLifecycle(app, deps, workers, options);
}

/** Block Kit for every message the app posts, in the organization's zone. */
function decisionRenderer(patchcall: Patchcall): DecisionRenderer {
  return {
    card: (state: DecisionState) => ({
      blocks: decisionCard(state, patchcall.cardQuorum(state), patchcall.displayTimeZone()),
      text: decisionCardText(state),
    }),
    call: (state: DecisionState) => callMessage(state, patchcall.displayTimeZone()),
    notice: (state, notice) => noticeMessage(state, notice, patchcall.displayTimeZone()),
    digest: (content) => digestMessage(content, patchcall.clock(), patchcall.displayTimeZone()),
  };
}

type Workers = ReturnType<typeof createWorkers>;

/** The workers that carry the log's requests out to Slack; `deps` is filled in before any of them runs. */
function createWorkers(
  options: CreateSlackAppOptions,
  deps: SlackDeps,
  clients: SlackClients,
  gateway: SlackGateway,
  botUserId: string,
) {
  const { config, patchcall, logger } = options;
  const outbox = patchcall.slackOutbox(gateway, {
    leaseMs: config.outboxLeaseMs,
    ...options.outbox,
    logger,
    onRefused: (state, effect, error) => tellAboutRefusedEffect(deps, state, effect, error),
    // an append (a convening, a call) may change what is due next, and what someone's App Home shows; a burst of
    // clicks asks once
    onNudge: coalescedWithin(APPEND_NUDGE_MS, () => {
      scheduler.nudge();
      homes.nudge();
    }),
    waitTurn: () => afterPendingAcks(),
  });
  const digests = patchcall.digestDelivery(gateway, { leaseMs: config.outboxLeaseMs, logger });
  const scheduler = patchcall.decisionScheduler({
    onAppended: (decisionId) => outbox.nudge(decisionId),
    onDigestPending: () => void digests.deliver(),
    ...(config.simulatedClock ? { speed: config.simulatedClock.speed } : {}),
    ...(options.schedulerMaxSleepMs ? { maxSleepMs: options.schedulerMaxSleepMs } : {}),
    logger,
  });
  const records = patchcall.recordOutbox(new RecordEffectsGateway(clients, gateway, botUserId), {
    leaseMs: config.outboxLeaseMs,
    ...options.outbox,
    logger,
    onExportFailed: (request, decisionId, error) => tellAboutFailedExport(deps, request, decisionId, error),
  });
  const homes = patchcall.homeOutbox(new HomeGateway(clients, patchcall.displayTimeZone), {
    leaseMs: config.outboxLeaseMs,
    ...options.outbox,
    ...(options.homeSweepMs ? { sweepMs: options.homeSweepMs } : {}),
    logger,
    members: () => membership.current(),
    waitTurn: () => afterPendingAcks(),
  });
  const membership = patchcall.roleMembership(gateway, logger, {
    ...(options.groupAnswerTtlMs !== undefined ? { answerTtlMs: options.groupAnswerTtlMs } : {}),
  });
  const roleChecks = patchcall.roleChecks(membership, {
    leaseMs: config.outboxLeaseMs,
    ...options.outbox,
    logger,
    onSettled: (state, check, outcome) => settledRoleCheck(deps, state, check, outcome),
    onCallSettled: (state, call, outcome) => settledCallCheck(deps, state, call, outcome),
  });
  return { outbox, digests, scheduler, records, membership, roleChecks, homes };
}

/** The app's own HTTP routes beside Slack's: health and the bulletin feed. */
function appRoutes(
  options: CreateSlackAppOptions,
  notifier: ImportNotifier,
  slackConnected: () => boolean | undefined,
): CustomRoute[] {
  const { config, patchcall, logger } = options;
  const ingest = bulletinsRoute({
    patchcall,
    ...(config.ingestToken !== undefined ? { ingestToken: config.ingestToken } : {}),
    maxBytes: config.maxInputBytes,
    logger,
    afterImport: (outcomes, source) => notifier.notify(outcomes, source),
  });
  return [
    { path: '/healthz', method: ['GET'], handler: healthRoute(patchcall) },
    { path: '/readyz', method: ['GET'], handler: readyRoute(patchcall, slackConnected) },
    { path: '/bulletins', method: ['POST'], handler: (req, res) => void ingest(req, res) },
  ];
}

function withLifecycle(app: App, deps: SlackDeps, workers: Workers, options: CreateSlackAppOptions): SlackApp {
  const { config, patchcall, logger } = options;
  const { outbox, digests, scheduler, records, membership, roleChecks, homes } = workers;
  let server: Server | undefined;
  let stopAnchors = () => undefined as void;
  let stopRules = () => undefined as void;
  return {
    app,
    deps,
    async start() {
      stopAnchors = scheduleDailyAnchors(deps, options.anchorIntervalMs);
      // reconcile every decision with Slack (a restart may have left a position off its card), then keep at it
      outbox.start();
      scheduler.start();
      records.start();
      roleChecks.start();
      homes.start();
      membership.startPeriodicRefresh(options.groupRefreshMs ?? GROUP_REFRESH_MS);
      // an edited rulebook re-assesses the decisions under way; a broken edit keeps the working rules
      stopRules = patchcall.watchRules((reload, report) => {
        if (reload.error)
          logger.warn({ err: reload.error.message }, 'rules folder edit refused; the previous rules stay');
        for (const id of report?.touched ?? []) outbox.nudge(id);
      });
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
      stopRules();
      membership.stop();
      scheduler.stop();
      await digests.close();
      await outbox.stop();
      await records.stop();
      await roleChecks.stop();
      await homes.stop();
      // after the workers that read the members cache
      membership.close();
      const stopped = app.stop();
      // server.close() waits for idle keep-alive sockets; drop them so a stop is prompt
      server?.closeAllConnections();
      await stopped;
    },
  };
}

/** One auth.test up front: a wrong token stops start-up with a clear message, and Bolt needs no call of its own. */
async function confirmBotToken(clients: SlackClients, config: SlackConfig): Promise<{ botId: string; userId: string }> {
  try {
    const identity = await clients.interactive.auth.test();
    return { botId: identity.bot_id as string, userId: identity.user_id as string };
  } catch (error) {
    const refused = (error as { data?: { error?: string } }).data?.error;
    throw new ConfigError(
      refused !== undefined
        ? `Slack refused SLACK_BOT_TOKEN (auth.test answered "${refused}" at ${config.slackApiUrl})`
        : `cannot reach the Slack Web API at ${config.slackApiUrl} (check SLACK_API_URL and the network): ${(error as Error).message}`,
    );
  }
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
