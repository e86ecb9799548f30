/**
 * Settings from the environment, read in this one place and checked up front: a bad value stops start-up with a
 * message naming the variable. Nothing deeper reads process.env.
 */
import { PatchcallError } from './common/errors';
import { DEFAULT_DB_PATH } from './store/open-database';
import { DEFAULT_BUSY_TIMEOUT_MS } from './store/write-transaction';
import { DEFAULT_MAX_INPUT_BYTES } from './app/read-document';

export interface Config {
  dbPath: string;
  rulesDir?: string;
  maxInputBytes: number;
  /** How long a writer waits for another process's write to finish (PATCHCALL_BUSY_TIMEOUT_MS). */
  busyTimeoutMs: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const maxMb = env.PATCHCALL_MAX_INPUT_MB;
  let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
  if (maxMb !== undefined && maxMb !== '') {
    const value = Number(maxMb);
    if (!Number.isFinite(value) || value <= 0) {
      throw new PatchcallError('CONFIG', `PATCHCALL_MAX_INPUT_MB must be a positive number of MiB, not "${maxMb}"`);
    }
    maxInputBytes = Math.round(value * 1024 * 1024);
  }
  const busy = env.PATCHCALL_BUSY_TIMEOUT_MS;
  let busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS;
  if (busy !== undefined && busy !== '') {
    busyTimeoutMs = Number(busy);
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
      throw new PatchcallError(
        'CONFIG',
        `PATCHCALL_BUSY_TIMEOUT_MS must be a whole number of milliseconds, not "${busy}"`,
      );
  }
  return {
    busyTimeoutMs,
    dbPath: env.PATCHCALL_DB || DEFAULT_DB_PATH,
    ...(env.PATCHCALL_RULES ? { rulesDir: env.PATCHCALL_RULES } : {}),
    maxInputBytes,
  };
}
