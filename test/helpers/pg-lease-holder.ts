/**
 * A replica that claims outbox work and then hangs, for the test that kills it with SIGKILL mid-work.
 * Usage: node -r ts-register pg-lease-holder.ts <url> <holder> <ttlMs>
 */
import { openPostgresLog } from '../../src/app/postgres-store';

async function main(): Promise<void> {
  const [url, holder, ttlMs] = process.argv.slice(2) as [string, string, string];
  const store = await openPostgresLog(url);
  const claimed = await store.leases.claim(holder, Number(ttlMs), 100);
  process.stdout.write(`claimed ${claimed.join(',')}\n`);
  setInterval(() => undefined, 60_000); // working on it, until killed
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
