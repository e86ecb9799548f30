/**
 * Where a replica keeps its local copy of the log when PATCHCALL_REPLICA_CACHE names no file: a new folder in the
 * temp folder, deleted at close. A replica killed with `kill -9` cannot delete its own, so each replica, as it
 * starts, deletes the copies left by replicas that are gone: the folder's name carries its owner's pid, and a file
 * inside names the host. Only a folder made on this host whose owner no longer runs is deleted; one whose owner may
 * be alive (the pid runs, even reused by another program, or cannot be asked), that another host made over a shared
 * temp folder, or that does not say, is left alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'patchcall-replica-';
const OWNER_FILE = 'owner.json';
const NAME = /^patchcall-replica-(\d+)-[A-Za-z0-9]{6}$/;

interface Owner {
  pid: number;
  host: string;
}

/** A new folder for this process's copy, after deleting the copies of replicas that are gone. */
export function newTempCopyFolder(): string {
  removeStaleCopies();
  const folder = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  writeFileSync(join(folder, OWNER_FILE), JSON.stringify({ pid: process.pid, host: hostname() } satisfies Owner));
  return folder;
}

/** Deletes the temp copies whose owning process is gone; returns the folders deleted. */
export function removeStaleCopies(folder: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    const owner = readOwner(join(folder, name));
    if (!owner || owner.pid !== pid || owner.host !== hostname() || running(pid)) continue;
    rmSync(join(folder, name), { recursive: true, force: true });
    removed.push(join(folder, name));
  }
  return removed;
}

function readOwner(folder: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 asks only whether the process exists: ESRCH says it does not; EPERM that it runs as someone else. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
