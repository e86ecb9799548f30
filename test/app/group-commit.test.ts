/**
 * Group commit on a real SQLite file: the writes queued in one turn of the event loop share a transaction, each is
 * answered only once it is committed (another connection sees it by then), a failing write is rolled back alone, and
 * a group that cannot commit answers every write in it with the error and leaves nothing of it in the log.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext, type AppContext } from '../../src/app/app-context';
import { GroupCommit } from '../../src/app/group-commit';
import { PatchcallError } from '../../src/common/errors';

const STREAM = 'test:group';

function append(ctx: AppContext, name: string): number {
  return ctx.events.append({ type: 'test.written', stream: STREAM, actor: 'U1', payload: { name } }).seq;
}

function written(ctx: AppContext): string[] {
  return [...ctx.events.read<{ name: string }>({ stream: STREAM })].map((e) => e.payload.name);
}

describe('group commit', () => {
  let dir: string;
  let ctx: AppContext;
  let other: AppContext;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchcall-group-'));
    ctx = openAppContext({ dbPath: join(dir, 'patchcall.db'), busyTimeoutMs: 200 });
    other = openAppContext({ dbPath: join(dir, 'patchcall.db') });
  });
  afterEach(() => {
    other.close();
    ctx.close();
  });

  // better-sqlite3 builds SQLite with WAL at synchronous=NORMAL, which can lose the last commits on a power cut
  it('writes on a connection that reaches the disk at every commit (WAL, synchronous=FULL)', () => {
    expect(ctx.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ctx.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('answers each write of a turn once the group is committed; one that fails is rolled back alone', async () => {
    const group = new GroupCommit(ctx.db);
    const seenByOther: string[][] = [];
    const answers = [
      group.run(() => append(ctx, 'first')),
      // the second write of the group sees the first one, uncommitted as it still is
      group.run(() => (written(ctx).includes('first') ? append(ctx, 'second') : -1)),
      group.run(() => {
        append(ctx, 'refused');
        throw new PatchcallError('NOT_FOUND', 'no such decision');
      }),
      group.run(() => append(ctx, 'third')),
    ].map((answer) =>
      answer.then(
        (seq) => (seenByOther.push(written(other)), seq),
        (error: Error) => (seenByOther.push(written(other)), error.message),
      ),
    );
    const [first, second, refused, third] = await Promise.all(answers);
    expect(refused).toBe('no such decision');
    expect([second, third]).toEqual([(first as number) + 1, (first as number) + 2]);
    expect(written(other)).toEqual(['first', 'second', 'third']);
    // every caller was answered after the commit: another connection already saw the whole group
    for (const seen of seenByOther) expect(seen).toEqual(['first', 'second', 'third']);
  });

  it('answers every write with the error and writes none of them when the group cannot commit', async () => {
    const group = new GroupCommit(ctx.db);
    // another process holds the write lock for longer than this connection waits
    other.db.prepare('BEGIN IMMEDIATE').run();
    const answers = await Promise.allSettled([
      group.run(() => append(ctx, 'a')),
      group.run(() => append(ctx, 'b')),
      group.run(() => append(ctx, 'c')),
    ]);
    other.db.prepare('ROLLBACK').run();
    for (const answer of answers) {
      expect(answer.status).toBe('rejected');
      expect((answer as PromiseRejectedResult).reason).toMatchObject({ code: 'BUSY' });
    }
    expect(written(other)).toEqual([]);
    // the lock gone, the next group commits
    await expect(group.run(() => append(ctx, 'later'))).resolves.toBeGreaterThan(0);
    expect(written(other)).toEqual(['later']);
  });

  it('fails the whole group when SQLite itself fails inside it, so nothing is answered as written', async () => {
    const group = new GroupCommit(ctx.db);
    const answers = await Promise.allSettled([
      group.run(() => append(ctx, 'a')),
      // a statement SQLite refuses (the log's triggers forbid updates): not a domain error, the group goes
      group.run(() => ctx.db.prepare("UPDATE events SET actor = 'x'").run()),
      group.run(() => append(ctx, 'c')),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(written(other)).toEqual([]);
  });
});
