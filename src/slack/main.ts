/** `npm start`: reads the settings, opens the store and runs the Slack app until SIGINT/SIGTERM. */
import { openChosenStore } from '../app/open-store';
import { isPatchcallError } from '../common/errors';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from './create-slack-app';
import { createLogger, type Logger } from '../logging/logger';
import { clockOptions, readSlackConfig } from './slack-config';

/** Runs until a signal; resolves to the exit code (2 for a setting that is missing or wrong). */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  stderr: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  let config;
  try {
    config = readSlackConfig(env);
  } catch (error) {
    if (!isPatchcallError(error)) throw error;
    stderr(`patchcall: ${error.message}\n`);
    return 2;
  }
  const logger = createLogger({ level: env.LOG_LEVEL || 'info' });
  logTransport(logger, config.mode);
  if (config.rehearsal)
    logger.warn(
      {
        clock: config.simulatedClock
          ? `${config.simulatedClock.start.toISOString()}@${config.simulatedClock.speed}`
          : 'real',
      },
      'rehearsal: every event written is marked as a rehearsal',
    );
  let closeStore = async (): Promise<void> => undefined;
  let slackApp: SlackApp;
  try {
    const chosen = await openChosenStore({
      dbPath: config.dbPath,
      ...clockOptions(config),
      busyTimeoutMs: config.busyTimeoutMs,
      ...(config.rulesDir ? { rulesDir: config.rulesDir } : {}),
      ...(config.signingKeyPath ? { signingKeyPath: config.signingKeyPath } : {}),
      // one replica of several on one PostgreSQL log (docs/postgres.md)
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      ...(config.replicaCache ? { replicaCache: config.replicaCache } : {}),
      onError: (error) => logger.warn({ err: (error as Error).message }, 'following the PostgreSQL log failed'),
    });
    closeStore = chosen.close;
    const patchcall = chosen.patchcall;
    slackApp = await createSlackApp({ config, patchcall, logger });
  } catch (error) {
    await closeStore();
    stderr(`patchcall: ${isPatchcallError(error) ? error.message : (error as Error).message}\n`);
    return 2;
  }
  const port = await slackApp.start();
  if (config.mode === 'socket')
    logger.info({ port }, `connected to Slack over Socket Mode; /healthz and /bulletins on port ${port}`);
  else logger.info({ port }, `listening on port ${port}: Slack requests at ${SLACK_EVENTS_PATH}, /healthz, /bulletins`);
  logger.info(
    {
      db: config.databaseUrl ? 'PostgreSQL (PATCHCALL_DATABASE_URL)' : config.dbPath,
      slackApiUrl: config.slackApiUrl,
      ingest: config.ingestToken !== undefined,
    },
    'patchcall is ready',
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down');
  await slackApp.stop();
  await closeStore();
  return 0;
}

/**
 * Says at start which transport the app uses and why. manifest.yml turns Socket Mode on, so starting on HTTP
 * (no SLACK_APP_TOKEN) is worth a warning: Slack would send nothing to this process until the app is switched.
 */
export function logTransport(logger: Pick<Logger, 'info' | 'warn'>, mode: 'http' | 'socket'): void {
  if (mode === 'socket') {
    logger.info({ transport: 'socket-mode' }, 'transport: Socket Mode, because SLACK_APP_TOKEN is set');
    return;
  }
  logger.warn(
    { transport: 'http' },
    'transport: HTTP, because SLACK_APP_TOKEN is not set. manifest.yml turns Socket Mode on: either set ' +
      'SLACK_APP_TOKEN (xapp-…, connections:write), or turn Socket Mode off in the app settings and give Slack ' +
      `the request URL https://<your host>${SLACK_EVENTS_PATH} (docs/slack-setup.md)`,
  );
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`patchcall: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
