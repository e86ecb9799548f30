/**
 * The logger of the edges (Slack app, HTTP routes, the demo): pino, with secrets removed twice: known fields are
 * redacted by path, and anything that looks like a Slack token or bearer credential is masked inside free text
 * (Bolt and web-api log plain strings).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

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
