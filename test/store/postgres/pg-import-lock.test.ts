/**
 * An import on PostgreSQL reads and checks its files before it takes the append lock: while another writer holds the
 * lock, a bad file is refused for what is wrong with it (not for the lock), and a good one is parsed whole and then
 * waits only to append; all or nothing either way.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { copySqliteLogToPostgres, openPostgresLog } from '../../../src/app/postgres-store';
import { readDocumentFile } from '../../../src/app/read-document';
import { openReplicaPatchcall, type ReplicaPatchcall } from '../../../src/app/replica-patchcall';
import { projectRoot } from '../../../src/common/project-root';
import { APPEND_LOCK } from '../../../src/store/postgres/pg-event-log';
import { usePostgres } from '../../helpers/postgres';
import { patchcall, tempDbPath } from '../../helpers/run-patchcall';

const postgres = usePostgres();
const SEED = join(projectRoot(), 'db', 'seed');

async function eventCount(url: string): Promise<number> {
  const log = await openPostgresLog(url);
  try {
    return await log.log.count();
  } finally {
    await log.close();
  }
}

describe('an import on PostgreSQL parses outside the append lock', () => {
  let replica: ReplicaPatchcall;
  let holder: pg.Client;
  let url: string;

  beforeEach(async () => {
    const dbPath = tempDbPath();
    expect((await patchcall(['--db', dbPath, 'import', join(SEED, 'ms08-067.bulletin.yaml')])).code).toBe(0);
    url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(dbPath, url);
    replica = await openReplicaPatchcall({ url, dbPath: tempDbPath(), busyTimeoutMs: 500 });
    // another writer in the middle of an append: it holds the lock until it commits
    holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
  });

  afterEach(async () => {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
    await replica.close();
  });

  test('a bad file is refused for what is wrong with it while another writer holds the lock', async () => {
    const bad = join(tempDbPath(), '..', 'not-a-scan.xml');
    writeFileSync(bad, '<nmaprun><host><address addr="10.0.0.1"');
    const before = await eventCount(url);
    const outcome = await Promise.resolve()
      .then(() => replica.patchcall.importDocuments([readDocumentFile(bad)], { actor: 'test' }))
      .then(
        () => ({ code: 'imported', message: '' }),
        (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
      );
    expect(outcome.code).toBe('BAD_INPUT');
    expect(outcome.message).toContain('not-a-scan.xml');
    expect(await eventCount(url)).toBe(before);
  });

  test('a good file is parsed whole before the lock; the append waits for the lock and writes all or nothing', async () => {
    const before = await eventCount(url);
    const stages: string[] = [];
    const files = ['nmap-scan.xml', 'cmdb-servers.csv'].map((name) => readDocumentFile(join(SEED, name)));
    const onProgress = (stage: string, done: number, total: number) => stages.push(`${stage} ${done}/${total}`);
    const busy = await Promise.resolve()
      .then(() => replica.patchcall.importDocuments(files, { actor: 'test', onProgress }))
      .then(
        () => 'imported',
        (error: { code?: string }) => error.code,
      );
    // both files were read while the other writer held the lock; only the append had to wait, and gave up
    expect({ busy, stages }).toEqual({ busy: 'BUSY', stages: ['parse 1/2', 'parse 2/2'] });
    expect(await eventCount(url)).toBe(before);

    await holder.query('ROLLBACK');
    stages.length = 0;
    const outcomes = await replica.patchcall.importDocuments(files, { actor: 'test', onProgress });
    expect(outcomes.map((o) => o.status)).toEqual(['imported', 'imported']);
    expect(stages).toEqual(['parse 1/2', 'parse 2/2', 'store 1/2', 'store 2/2']);
    expect(await eventCount(url)).toBe(before + 2);
  });
});
