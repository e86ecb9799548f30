/**
 * A replica that opens on the log, prints where its local copy is, and runs until it is killed: what the test of
 * stale temp copies kills with SIGKILL. Usage: node -r ts-register pg-idle-replica.ts <url> <sqlite path>
 */
import { dirname } from 'node:path';
import { openReplicaPatchcall } from '../../src/app/replica-patchcall';

async function main(): Promise<void> {
  const [url, dbPath] = process.argv.slice(2) as [string, string];
  const opened = await openReplicaPatchcall({ url, dbPath });
  process.stdout.write(`ready ${dirname(opened.replica.ctx.db.name)}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
