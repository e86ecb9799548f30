/** Outbox leases shared by replicas on a real PostgreSQL: SKIP LOCKED claims, expiry, a killed holder's work taken over. */
import { join } from 'node:path';
import { migratePostgresDatabase, openPostgresLog, type PostgresLog } from '../../../src/app/postgres-store';
import { usePostgres } from '../../helpers/postgres';
import { startScript } from '../../helpers/spawn-patchcall';

const postgres = usePostgres();
const HOLDER = join(__dirname, '..', '..', 'helpers', 'pg-lease-holder.ts');

async function openTwo(): Promise<{ url: string; a: PostgresLog; b: PostgresLog }> {
  const url = await postgres.freshDatabase();
  await migratePostgresDatabase(url);
  return { url, a: await openPostgresLog(url), b: await openPostgresLog(url) };
}

test('replicas claiming at the same time get disjoint subjects, and every offered subject is claimed once', async () => {
  const { a, b } = await openTwo();
  try {
    const subjects = Array.from({ length: 60 }, (_, i) => `decision:D${String(i).padStart(2, '0')}`);
    await a.leases.offer(subjects);
    const claimAll = async (store: PostgresLog, holder: string) => {
      const mine: string[] = [];
      for (;;) {
        const claimed = (await store.leases.claim(holder, 60_000, 5)).filter((s) => !mine.includes(s));
        if (claimed.length === 0) return mine;
        mine.push(...claimed);
      }
    };
    const [byA, byB] = await Promise.all([claimAll(a, 'replica-a'), claimAll(b, 'replica-b')]);
    expect(byA.filter((s) => byB.includes(s))).toEqual([]);
    expect([...byA, ...byB].sort()).toEqual(subjects);
    // a held lease is refused to the other replica and renewed for its holder
    const first = byA[0]!;
    expect(await b.leases.lease(first, 'replica-b', 60_000)).toBe(false);
    expect(await a.leases.lease(first, 'replica-a', 60_000)).toBe(true);
    // released work is claimable at once; completed work is gone until offered again
    await a.leases.release(first, 'replica-a');
    expect(await b.leases.claim('replica-b', 60_000, 100)).toContain(first);
    expect(await b.leases.complete(first, 'replica-b')).toBe(true);
    expect(await b.leases.holderOf(first)).toBeUndefined();
    expect(await a.leases.complete(byA[1]!, 'replica-b')).toBe(false);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('the leases of a replica killed with SIGKILL are taken over by another once they expire', async () => {
  const { url, a: survivor, b: spare } = await openTwo();
  try {
    const subjects = ['decision:MS08-067', 'decision:MS17-010', 'decision:CVE-2021-44228'];
    await survivor.leases.offer(subjects);
    const doomed = startScript(HOLDER, [url, 'replica-doomed', '3000'], { timeoutMs: 60_000 });
    await doomed.waitFor(/claimed .+\n/);
    process.kill(doomed.pid, 'SIGKILL');
    const ended = await doomed.done;
    expect(ended.signal).toBe('SIGKILL');

    // the dead replica's leases still run: nobody else performs its work twice meanwhile
    expect(await survivor.leases.holderOf(subjects[0]!)).toBe('replica-doomed');
    expect(await survivor.leases.claim('replica-survivor', 60_000, 100)).toEqual([]);

    let taken: string[] = [];
    for (let tries = 0; taken.length === 0 && tries < 150; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      taken = await survivor.leases.claim('replica-survivor', 60_000, 100);
    }
    expect(taken).toEqual([...subjects].sort());
    for (const subject of subjects) expect(await spare.leases.holderOf(subject)).toBe('replica-survivor');
  } finally {
    await Promise.all([survivor.close(), spare.close()]);
  }
}, 30_000);
