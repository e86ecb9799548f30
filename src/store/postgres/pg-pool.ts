/**
 * Connections to PostgreSQL (`PATCHCALL_DATABASE_URL=postgres://…`). bigint columns (seq) come back as numbers: a
 * log reaches 2^53 events never, and the chain code works on numbers.
 */
import pg from 'pg';
import { PatchcallError } from '../../common/errors';

const INT8_OID = 20;

const numericTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function openPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  if (!isPostgresUrl(url))
    throw new PatchcallError(
      'CONFIG',
      `a PostgreSQL URL starts with postgres:// or postgresql://, not "${redact(url)}"`,
    );
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    types: numericTypes,
    application_name: options.applicationName ?? 'patchcall',
  });
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', () => undefined);
  return pool;
}

export function connectClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url, types: numericTypes, application_name: 'patchcall follower' });
  return client;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** A server that cannot be reached (refused, unknown host, timeout) is reported as such, naming the URL. */
export function unreachable(url: string, error: unknown): PatchcallError | undefined {
  const code = (error as { code?: string }).code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ECONNRESET',
      '57P03',
      '3D000',
      '28P01',
      '28000',
    ].includes(code)
  )
    return new PatchcallError(
      'UNAVAILABLE',
      `cannot use the PostgreSQL database ${redact(url)}: ${(error as Error).message} (${code})`,
    );
  return undefined;
}

/** SQLSTATEs a writer retries: a serialization failure, a deadlock, a lock not granted in time. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '40001' || code === '40P01';
}
