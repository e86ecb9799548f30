/**
 * The log verified in segments joined at their links gives the verdict of one walk: the same head, and the same
 * first broken link whether the damage lies inside a segment or exactly at a join. (Under jest the segments run
 * in this thread; `npm run bench:audit` runs the compiled code in worker threads.)
 */
import type Database from 'better-sqlite3';
import { EventLog } from '../../src/store/event-log';
import { openDatabase } from '../../src/store/open-database';
import { verifyLogInParallel } from '../../src/store/verify-log-parallel';
import { tempDbPath } from '../helpers/run-patchcall';

function logOf(count: number): { path: string; db: Database.Database; log: EventLog } {
  const path = tempDbPath();
  const db = openDatabase(path);
  let tick = Date.parse('2008-10-23T17:00:00Z');
  const log = new EventLog(db, () => new Date((tick += 1000)));
  for (let i = 1; i <= count; i++)
    log.append({ type: 'test.happened', stream: `s:${i % 3}`, actor: 'U1', payload: { n: i } });
  return { path, db, log };
}

function tamper(db: Database.Database, sql: string): void {
  db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
  db.exec(sql);
}

describe('verifying the log in joined segments', () => {
  it('agrees with a single walk on an untouched log, for any number of segments', async () => {
    const { path, log } = logOf(101);
    for (const workers of [1, 2, 3, 4, 7]) expect(await verifyLogInParallel(path, workers)).toEqual(log.verify());
    expect(await verifyLogInParallel(path, 4)).toMatchObject({ ok: true, count: 101, headSeq: 101 });
  });

  it('finds the first broken link inside a segment, at a join, and a deleted event at a join', async () => {
    const changed = logOf(100);
    tamper(changed.db, `UPDATE events SET payload = '{"n":60}' WHERE seq = 61`);
    expect(await verifyLogInParallel(changed.path, 4)).toEqual(changed.log.verify());
    expect(await verifyLogInParallel(changed.path, 4)).toMatchObject({ ok: false, brokenAt: 61, count: 60 });

    const rewired = logOf(100);
    // the first event of the third segment (#51 with 4 segments of 25) names a previous hash that is not #50's
    tamper(rewired.db, `UPDATE events SET prev_hash = '${'f'.repeat(64)}' WHERE seq = 51`);
    expect(await verifyLogInParallel(rewired.path, 4)).toMatchObject({ ok: false, brokenAt: 51, count: 50 });
    expect(rewired.log.verify()).toMatchObject({ ok: false, brokenAt: 51 });

    const deleted = logOf(100);
    tamper(deleted.db, 'DELETE FROM events WHERE seq = 26');
    expect(await verifyLogInParallel(deleted.path, 4)).toMatchObject({ ok: false, brokenAt: 26, count: 25 });
  });
});
