/** `npm start`: reads the settings, opens the store and runs the Slack app until SIGINT/SIGTERM. */
import { openAppContext, type AppContext } from '../app/app-context';
import { isPatchcallError } from '../common/errors';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from './create-slack-app';
import { createLogger } from './logger';
import { readSlackConfig } from './slack-config';

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
  let ctx: AppContext | undefined;
  let slackApp: SlackApp;
  try {
    ctx = openAppContext({
      dbPath: config.dbPath,
      busyTimeoutMs: config.busyTimeoutMs,
      ...(config.rulesDir ? { rulesDir: config.rulesDir } : {}),
    });
    slackApp = await createSlackApp({ config, ctx, logger });
  } catch (error) {
    ctx?.close();
    stderr(`patchcall: ${isPatchcallError(error) ? error.message : (error as Error).message}\n`);
    return 2;
  }
  const port = await slackApp.start();
  if (config.mode === 'socket')
    logger.info({ port }, `connected to Slack over Socket Mode; /healthz and /bulletins on port ${port}`);
  else logger.info({ port }, `listening on port ${port}: Slack requests at ${SLACK_EVENTS_PATH}, /healthz, /bulletins`);
  logger.info(
    { db: config.dbPath, slackApiUrl: config.slackApiUrl, ingest: config.ingestToken !== undefined },
    'patchcall is ready',
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down');
  await slackApp.stop();
  ctx.close();
  return 0;
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
