/**
 * Settings from the environment, read in this one place and checked up front: a bad value stops start-up with a
 * message naming the variable. Nothing deeper reads process.env.
 */
import { PatchcallError } from './common/errors';
import { DEFAULT_BUSY_TIMEOUT_MS } from './app/store-settings';
import { DEFAULT_MAX_INPUT_BYTES } from './app/read-document';
import { clockEnvironment, readClockSetting, type ClockSetting } from './common/simulated-clock';

/** Where the database lives unless PATCHCALL_DB or `--db` says otherwise (created on first use). */
export const DEFAULT_DB_PATH = './data/patchcall.db';

/**
 * PATCHCALL_CLOCK runs the app and the CLI on a simulated clock (rehearsals, the demo), allowed only against the
 * local Slack stand-in or with PATCHCALL_REHEARSAL=1; under it every event written is marked as a rehearsal.
 */
export interface Config extends ClockSetting {
  dbPath: string;
  rulesDir?: string;
  maxInputBytes: number;
  /** How long a writer waits for another process's write to finish (PATCHCALL_BUSY_TIMEOUT_MS). */
  busyTimeoutMs: number;
  /** PATCHCALL_SIGNING_KEY: the record-signing key file; default signing-key.pem beside the database. */
  signingKeyPath?: string;
  /** PATCHCALL_DATABASE_URL: a postgres:// URL selects PostgreSQL instead of the SQLite file (docs/postgres.md). */
  databaseUrl?: string;
  /** PATCHCALL_REPLICA_CACHE: on PostgreSQL, this replica's local copy of the log (default: a temp file). */
  replicaCache?: string;
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
  const databaseUrl = env.PATCHCALL_DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//i.test(databaseUrl))
    throw new PatchcallError(
      'CONFIG',
      'PATCHCALL_DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the SQLite database)',
    );
  return {
    busyTimeoutMs,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(databaseUrl && env.PATCHCALL_REPLICA_CACHE ? { replicaCache: env.PATCHCALL_REPLICA_CACHE } : {}),
    dbPath: env.PATCHCALL_DB || DEFAULT_DB_PATH,
    ...(env.PATCHCALL_RULES ? { rulesDir: env.PATCHCALL_RULES } : {}),
    maxInputBytes,
    ...(env.PATCHCALL_SIGNING_KEY ? { signingKeyPath: env.PATCHCALL_SIGNING_KEY } : {}),
    ...readClockSetting(clockEnvironment(env)),
  };
}
