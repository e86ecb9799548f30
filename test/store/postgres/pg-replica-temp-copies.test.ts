/**
 * A replica killed with `kill -9` leaves its temp copy of the log behind; the next replica to start deletes it, and
 * only it: not the copy of a replica still running, nor one another host made, nor a folder that does not say.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratePostgresDatabase } from '../../../src/app/postgres-store';
import { usePostgres } from '../../helpers/postgres';
import { tempDbPath } from '../../helpers/run-patchcall';
import { startScript } from '../../helpers/spawn-patchcall';

const postgres = usePostgres();
const IDLE_REPLICA = join(__dirname, '..', '..', 'helpers', 'pg-idle-replica.ts');

test('the copy of a replica killed with kill -9 is deleted by the next replica to start, and nothing else', async () => {
  const url = await postgres.freshDatabase();
  await migratePostgresDatabase(url);
  const temp = mkdtempSync(join(tmpdir(), 'patchcall-test-temp-'));
  const copyOf = (output: string) => /ready (\S+)\n/.exec(output)![1]!;

  const killed = startScript(IDLE_REPLICA, [url, tempDbPath()], { env: { TMPDIR: temp }, timeoutMs: 60_000 });
  const running = startScript(IDLE_REPLICA, [url, tempDbPath()], { env: { TMPDIR: temp }, timeoutMs: 60_000 });
  const children = [killed, running];
  try {
    await Promise.all([killed.waitFor(/ready \S+\n/), running.waitFor(/ready \S+\n/)]);
    process.kill(killed.pid, 'SIGKILL');
    const left = copyOf((await killed.done).stdout);
    expect(existsSync(join(left, 'replica.db'))).toBe(true);

    // a copy made on another host over a shared temp folder, and a folder that does not say whose it is
    const elsewhere = join(temp, `patchcall-replica-${killed.pid}-Abc123`);
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'owner.json'), JSON.stringify({ pid: killed.pid, host: 'another-host' }));
    const unsigned = join(temp, `patchcall-replica-${killed.pid}-Xyz789`);
    mkdirSync(unsigned);

    const next = startScript(IDLE_REPLICA, [url, tempDbPath()], { env: { TMPDIR: temp }, timeoutMs: 60_000 });
    children.push(next);
    await next.waitFor(/ready \S+\n/);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(unsigned)).toBe(true);
    // the copies of the replicas still running, the new one's included
    for (const alive of [running, next]) {
      const names = readdirSync(temp).filter((name) => name.startsWith(`patchcall-replica-${alive.pid}-`));
      expect(names).toHaveLength(1);
      expect(existsSync(join(temp, names[0]!, 'replica.db'))).toBe(true);
    }
  } finally {
    for (const child of children)
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    await Promise.all(children.map((child) => child.done));
    rmSync(temp, { recursive: true, force: true });
  }
}, 60_000);
