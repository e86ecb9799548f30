import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/open-database';
import { EventLog } from '../../src/store/event-log';
import { eventHash } from '../../src/audit/hash-chain';
import { tempDbPath } from '../helpers/run-patchcall';

function logWithEvents(count: number): { path: string; log: EventLog; db: Database.Database } {
  const path = tempDbPath();
  const db = openDatabase(path);
  let tick = Date.parse('2008-10-23T17:00:00Z');
  const log = new EventLog(db, () => new Date((tick += 1000)));
  for (let i = 1; i <= count; i++)
    log.append({ type: 'test.happened', stream: 'test:1', actor: 'U123', payload: { n: i, text: `event ${i}` } });
  return { path, log, db };
}

/** Tampering as an attacker with write access to the file would: around the append-only triggers. */
function tamper(db: Database.Database, sql: string): void {
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
  db.exec(sql);
}

describe('event log hash chain', () => {
  it('verifies an untouched chain and reports its head', () => {
    const { log } = logWithEvents(5);
    const verdict = log.verify();
    expect(verdict).toMatchObject({ ok: true, count: 5, headSeq: 5 });
    expect(verdict.ok && verdict.headHash).toBe(log.head().hash);
  });

  it('refuses UPDATE and DELETE in SQL', () => {
    const { db } = logWithEvents(2);
    expect(() => db.exec("UPDATE events SET actor = 'U999' WHERE seq = 1")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM events WHERE seq = 2')).toThrow(/append-only/);
  });

  it('detects a changed payload', () => {
    const { db, log } = logWithEvents(5);
    tamper(db, `UPDATE events SET payload = '{"n":3,"text":"forged"}' WHERE seq = 3`);
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3, count: 2 });
  });

  it('detects a changed actor even when the attacker recomputes that event hash', () => {
    const { db, log } = logWithEvents(4);
    tamper(db, "UPDATE events SET actor = 'U999' WHERE seq = 2");
    // recomputing event 2's own hash is not enough: event 3's prev_hash still names the old one
    const row = db.prepare('SELECT * FROM events WHERE seq = 2').get() as {
      prev_hash: string;
      at: string;
      type: string;
      stream: string;
      payload: string;
    };
    const forged = eventHash(row.prev_hash, {
      seq: 2,
      at: row.at,
      actor: 'U999',
      type: row.type,
      stream: row.stream,
      payloadJson: row.payload,
    });
    db.prepare('UPDATE events SET hash = ? WHERE seq = 2').run(forged);
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects a deleted event', () => {
    const { db, log } = logWithEvents(5);
    tamper(db, 'DELETE FROM events WHERE seq = 4');
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('detects a deleted last event only against an anchor, but a deleted first event at once', () => {
    const { db, log } = logWithEvents(3);
    tamper(db, 'DELETE FROM events WHERE seq = 1');
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects reordered events', () => {
    const { db, log } = logWithEvents(5);
    tamper(
      db,
      'UPDATE events SET seq = 100 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 100;',
    );
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects an inserted event', () => {
    const { db, log } = logWithEvents(3);
    tamper(
      db,
      "UPDATE events SET seq = seq + 10 WHERE seq >= 2; INSERT INTO events VALUES (2, '2008-10-23T18:00:00.000Z', 'U1', 'x', 's', '{}', 'aa', 'bb');",
    );
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('hashes the canonical form, so key order in a payload does not matter', () => {
    const a = logWithEvents(0).log.append({
      type: 't',
      stream: 's',
      actor: 'a',
      payload: { x: 1, y: [1, { b: 2, a: 1 }] },
    });
    const b = logWithEvents(0).log.append({
      type: 't',
      stream: 's',
      actor: 'a',
      payload: { y: [1, { a: 1, b: 2 }], x: 1 },
    });
    expect(a.hash).toBe(b.hash);
  });
});

describe('migrations', () => {
  it('refuses a database written by a newer patchcall', () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, 'from_the_future', '2030-01-01')").run();
    raw.close();
    expect(() => openDatabase(path)).toThrow(/schema version 999.*newer patchcall/);
  });

  it('uses WAL and foreign keys', () => {
    const db = openDatabase(tempDbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
