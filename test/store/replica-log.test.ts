/** A replica's local copy takes only events that continue it, each matching its hash; anything else is refused. */
import { openAppContext } from '../../src/app/app-context';
import { GENESIS_HASH, type ChainedEvent } from '../../src/audit/hash-chain';
import { ReplicaLog } from '../../src/store/replica-log';
import { tempDbPath } from '../helpers/run-patchcall';

/** Three chained events as another store wrote them (its own SQLite file). */
function chainFromElsewhere(): ChainedEvent[] {
  const ctx = openAppContext({ dbPath: tempDbPath() });
  try {
    for (let i = 0; i < 3; i++) ctx.events.append({ type: 'test.note', stream: 'test', actor: 'test', payload: { i } });
    return [...ctx.events.chain()];
  } finally {
    ctx.close();
  }
}

describe('the replica copy', () => {
  const source = chainFromElsewhere();
  const open = () => {
    const ctx = openAppContext({ dbPath: tempDbPath() });
    return { ctx, copy: new ReplicaLog(ctx.db) };
  };
  const apply = (copy: ReplicaLog, ctx: ReturnType<typeof open>['ctx'], events: ChainedEvent[]) =>
    ctx.db.transaction(() => copy.opened(() => copy.applyInOrder(events, GENESIS_HASH)))();

  test('takes events in order, skips the ones it has, and holds exactly the source rows', () => {
    const { ctx, copy } = open();
    expect(apply(copy, ctx, source.slice(0, 2))).toHaveLength(2);
    expect(apply(copy, ctx, source)).toEqual([source[2]]);
    expect([...ctx.events.chain()]).toEqual(source);
    expect(ctx.events.verify()).toMatchObject({ ok: true, count: 3 });
    ctx.close();
  });

  test('refuses a gap, a payload that does not match its hash, and another event under a seq it holds', () => {
    const { ctx, copy } = open();
    expect(() => apply(copy, ctx, [source[1]!])).toThrow(/does not continue the replica cache's head #0/);
    expect(() => apply(copy, ctx, [{ ...source[0]!, payloadJson: '{"i":9}' }])).toThrow(/does not match its hash/);
    apply(copy, ctx, [source[0]!]);
    expect(() => apply(copy, ctx, [{ ...source[0]!, hash: 'f'.repeat(64) }])).toThrow(/holds another event #1/);
    expect(ctx.events.head().seq).toBe(1);
    ctx.close();
  });

  test('refuses an append that does not go through the replica, so the copy never forks from the truth', () => {
    const { ctx } = open();
    expect(() => ctx.events.append({ type: 'test.note', stream: 'test', actor: 'test', payload: {} })).toThrow(
      /writes the event log through PostgreSQL only/,
    );
    expect(ctx.events.head().seq).toBe(0);
    ctx.close();
  });
});
