/**
 * The one way to write: a transaction that takes the write lock up front (BEGIN IMMEDIATE), waits its turn while
 * another process writes, retries a busy answer with backoff, and fails only when the wait runs out, naming who
 * held the lock where the operating system can tell.
 *
 * The contract, which a PostgreSQL adapter keeps too (SELECT … FOR UPDATE on the chain head, or an advisory lock,
 * then retry 40001/40P01/55P03 with the same backoff): writers are serialised, a writer waits up to `busyTimeoutMs`
 * before giving up, a transient conflict is retried rather than reported, and a failure leaves nothing written.
 *
 * A deferred transaction that reads and then writes cannot wait in SQLite: its snapshot is stale once another
 * writer commits, so SQLite answers SQLITE_BUSY at once instead of calling the busy handler. IMMEDIATE avoids that.
 */
import { readdirSync, readFileSync, readlinkSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { PatchcallError } from '../common/errors';

/** How long a writer waits for another to finish before giving up (PATCHCALL_BUSY_TIMEOUT_MS). */
export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

export interface WriteSettings {
  /** The database file as the user named it, for messages. */
  path: string;
  busyTimeoutMs: number;
}

const settingsByDb = new WeakMap<Database.Database, WriteSettings>();

export function registerWriteSettings(db: Database.Database, settings: WriteSettings): void {
  settingsByDb.set(db, settings);
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(settings.busyTimeoutMs))}`);
}

/** The settings a connection was opened with (a second connection to the same file takes them over). */
export function settingsOf(db: Database.Database): WriteSettings {
  return settingsByDb.get(db) ?? { path: db.name, busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS };
}

export interface WriteOptions {
  /** Roughly how many bytes the write adds, when known: quoted if the disk fills up. */
  sizeHint?: number;
}

/**
 * Runs `work` in an IMMEDIATE transaction. Inside a caller's transaction it joins it (as a savepoint): the
 * outer transaction already holds the write lock.
 */
export function writeTransaction<T>(db: Database.Database, work: () => T, options: WriteOptions = {}): T {
  if (db.inTransaction) return db.transaction(work)();
  const settings = settingsOf(db);
  const started = Date.now();
  const deadline = started + settings.busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      // the busy handler waits inside BEGIN IMMEDIATE; give it only the time that is left
      db.pragma(`busy_timeout = ${Math.max(0, deadline - Date.now())}`);
      return db.transaction(work).immediate();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        const left = deadline - Date.now();
        // a busy answer can also come without waiting (recovery, a checkpoint): try again after a pause
        if (left > 0 || attempt < 2) {
          sleep(Math.min(Math.max(left, 25), 25 * 2 ** Math.min(attempt, 5)));
          continue;
        }
        throw busyError(settings, Date.now() - started);
      }
      if (code === 'SQLITE_FULL') throw diskFullError(settings, options.sizeHint, 'the disk is full');
      // a write refused by the file system (no space, a file size limit, a failing disk) shows as an I/O error
      if (code.startsWith('SQLITE_IOERR'))
        throw diskFullError(
          settings,
          options.sizeHint,
          `the file system refused the write (${code}: the disk may be full, the file over a size limit, or the disk failing)`,
        );
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function busyError(settings: WriteSettings, waitedMs: number): PatchcallError {
  const holders = lockHolders(settings.path);
  const candidates = holders.length ? [] : processesWithFileOpen(settings.path);
  const who = holders.length
    ? `held by process ${holders.map(describeProcess).join(', ')}`
    : candidates.length
      ? `held by one of the processes that have it open: ${candidates.map(describeProcess).join(', ')}`
      : 'held by another process (SQLite does not say which)';
  return new PatchcallError(
    'BUSY',
    `the database ${settings.path} stayed locked for writing for ${(waitedMs / 1000).toFixed(1)} s, ${who}; nothing was written. ` +
      'Try again when it is done, or wait longer with PATCHCALL_BUSY_TIMEOUT_MS.',
  );
}

function diskFullError(settings: WriteSettings, sizeHint: number | undefined, why: string): PatchcallError {
  let free = '';
  try {
    const stats = statfsSync(dirname(resolve(settings.path)));
    free = `, ${mib(stats.bavail * stats.bsize)} free there`;
  } catch {
    // the free space is a hint only
  }
  const needed = sizeHint ? `; this write needs about ${mib(sizeHint)}` : '';
  return new PatchcallError(
    'DISK_FULL',
    `cannot write to the database ${settings.path}: ${why}${free}${needed}. Nothing was written ` +
      '(the transaction was rolled back); free some space and run the command again.',
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The processes holding SQLite's write lock on the database, from the POSIX locks Linux lists in /proc/locks: in WAL
 * mode the write lock is byte 120 of the -shm file (WALINDEX_LOCK_OFFSET in SQLite's wal.c), with a rollback journal
 * it is the RESERVED byte of the database file (0x40000001). Elsewhere, or when nothing matches, it is empty.
 */
function lockHolders(path: string): number[] {
  const target = resolve(path);
  const lockBytes = new Map<string, number>();
  for (const [file, byte] of [
    [`${target}-shm`, 120],
    [target, 0x40000001],
  ] as const) {
    try {
      const stat = statSync(file);
      lockBytes.set(`${deviceOf(stat.dev)}:${stat.ino}`, byte);
    } catch {
      // no -shm: not in WAL mode, or not open
    }
  }
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return [];
  }
  const holders = new Set<number>();
  for (const line of locks.split('\n')) {
    // "3: POSIX  ADVISORY  WRITE 12285 fe:00:3089462 120 120" (a blocked waiter's line starts with "->")
    const [, kind, , mode, pid, file, start, end] = line.trim().split(/\s+/);
    if (line.includes('->') || kind !== 'POSIX' || mode !== 'WRITE' || !file) continue;
    const byte = lockBytes.get(file);
    if (byte === undefined || Number(pid) === process.pid) continue;
    if (Number(start) <= byte && (end === 'EOF' || byte <= Number(end))) holders.add(Number(pid));
  }
  return [...holders];
}

/** A device number as /proc/locks prints it: major and minor in hex ("fe:00"), decoded as glibc's gnu_dev_major/minor do. */
function deviceOf(dev: number): string {
  const big = BigInt(dev);
  const major = ((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn);
  const minor = (big & 0xffn) | ((big >> 12n) & ~0xffn);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

function describeProcess(pid: number): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return `${pid} (${command.length > 80 ? command.slice(0, 79) + '…' : command})`;
  } catch {
    return String(pid);
  }
}

/**
 * Other processes that have the database (or its WAL) open, read from /proc on Linux: the candidates, when the lock
 * itself cannot be traced to its owner.
 */
function processesWithFileOpen(path: string): number[] {
  const target = resolve(path);
  const files = new Set([target, `${target}-wal`, `${target}-shm`]);
  const found: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => files.has(safeReadlink(`/proc/${pid}/fd/${fd}`)))) found.push(Number(pid));
    } catch {
      // gone, or not ours to look at
    }
    if (found.length >= 5) break;
  }
  return found;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
