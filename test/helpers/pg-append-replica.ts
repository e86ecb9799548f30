/**
 * A replica for the multi-process tests: follows the log, waits for `NOTIFY go`, appends its share of events all at
 * once, then waits until its follower has seen `total` events and prints what it appended and what it followed.
 * Usage: node -r ts-register pg-append-replica.ts <url> <name> <count> <total>
 */
import pg from 'pg';
import { openPostgresLog } from '../../src/app/postgres-store';

async function main(): Promise<void> {
  const [url, name, count, total] = process.argv.slice(2) as [string, string, string, string];
  const store = await openPostgresLog(url, { poolSize: 4 });
  let followed = 0;
  let inOrder = true;
  let last = 0;
  const follower = await store.follow({
    onEvents: (events) => {
      for (const event of events) {
        if (event.seq !== last + 1) inOrder = false;
        last = event.seq;
        followed++;
      }
    },
  });
  const go = new pg.Client({ connectionString: url });
  await go.connect();
  const started = new Promise<void>((resolve) => go.on('notification', () => resolve()));
  await go.query('LISTEN go');
  process.stdout.write('ready\n');
  await started;
  const stored = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      store.log.append({ type: 'load.appended', stream: `replica:${name}`, actor: name, payload: { name, i } }),
    ),
  );
  await follower.waitFor(Number(total));
  process.stdout.write(JSON.stringify({ name, seqs: stored.map((e) => e.seq), followed, inOrder, last }) + '\n');
  await go.end();
  await store.close();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
