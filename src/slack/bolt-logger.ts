/** Bolt and WebClient take their own logger shape; this one writes through pino so the same masking applies. */
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import type { Logger } from '../logging/logger';

const BOLT_TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

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
