/**
 * The app's pino logger, with secrets removed twice: known fields are redacted by path, and anything that looks
 * like a Slack token or bearer credential is masked inside free text (Bolt and web-api log plain strings).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';

export type { Logger };

const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'ingestToken',
  'authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.ingestToken',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  'headers.authorization',
  'headers["x-slack-signature"]',
];

// xoxb-/xoxp-/xapp- tokens, and whatever follows "Bearer " in a header that was stringified
const SECRET_IN_TEXT = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+|(Bearer\s+)[^\s"',]+/g;

export function maskSecrets(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match, tokenPrefix: string | undefined, bearer: string | undefined) =>
    bearer ? `${bearer}[Redacted]` : `${tokenPrefix}-[Redacted]`,
  );
}

export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'patchcall',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

const BOLT_TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Bolt and WebClient take their own logger shape; this one writes through pino so the same masking applies. */
export function boltLogger(logger: Logger, name = 'bolt'): BoltLogger {
  let child = logger.child({ component: name });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) =>
      child[level](messages.map((m) => (typeof m === 'string' ? m : safeString(m))).join(' '));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel(level: LogLevel) {
      child.level = BOLT_TO_PINO[level] ?? 'info';
    },
    getLevel() {
      const entry = Object.entries(BOLT_TO_PINO).find(([, pinoLevel]) => pinoLevel === child.level);
      return (entry?.[0] as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName(newName: string) {
      child = logger.child({ component: newName });
    },
  };
}

function safeString(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
