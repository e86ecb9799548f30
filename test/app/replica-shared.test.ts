/**
 * What replicas on one PostgreSQL share beyond the log itself: Slack's word on user-group members (told to one
 * replica, needed by all), the daily anchor (one per interval, whichever replica asks first under the append lock)
 * and event times that rise with seq although each replica has its own clock.
 */
import { copySqliteLogToPostgres, migratePostgresDatabase, openPostgresLog } from '../../src/app/postgres-store';
import { loadDecision } from '../../src/app/decision-log';
import { recordPosition } from '../../src/app/decision-positions';
import { openReplicaPatchcall, type ReplicaPatchcall } from '../../src/app/replica-patchcall';
import { openPool } from '../../src/store/postgres/pg-pool';
import { clockOptions, parseSimulatedClock } from '../../src/common/simulated-clock';
import type { StoredEvent } from '../../src/store/event-log';
import { usePostgres } from '../helpers/postgres';
import { tempDbPath } from '../helpers/run-patchcall';
import { seededDatabase } from '../helpers/seeded-database';
import { PEOPLE, sampleAssessment } from '../decisions/sample-decision';
import { eventually } from '../slack/flows/decision-flow-setup';

const postgres = usePostgres();
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-06T10:00:00Z');

async function emptyLog(): Promise<string> {
  const url = await postgres.freshDatabase();
  await migratePostgresDatabase(url);
  return url;
}

async function allEvents(url: string): Promise<StoredEvent[]> {
  const store = await openPostgresLog(url, { poolSize: 1 });
  try {
    const events: StoredEvent[] = [];
    for await (const event of store.log.read({})) events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

const opened: ReplicaPatchcall[] = [];
async function openReplica(url: string, options: { clock?: () => Date; rehearsal?: boolean } = {}) {
  const one = await openReplicaPatchcall({
    url,
    dbPath: tempDbPath(),
    assess: async (_ctx, bulletinId, now) => ({ ...sampleAssessment(), bulletinId, assessedAt: now.toISOString() }),
    ...options,
  });
  opened.push(one);
  return one;
}
const replica = async (url: string, options: { clock?: () => Date; rehearsal?: boolean } = {}) =>
  (await openReplica(url, options)).patchcall;
afterEach(async () => {
  await Promise.all(opened.splice(0).map((one) => one.close()));
});

describe('the daily anchor across replicas', () => {
  it('is asked for once per interval, by whichever replica asks first', async () => {
    const url = await emptyLog();
    let now = NOW;
    const [a, b] = [await replica(url, { clock: () => now }), await replica(url, { clock: () => now })];
    const daily = (patchcall: typeof a) =>
      patchcall.requestAnchor({ channel: 'C0AUDIT', reason: 'daily', now, unlessAskedWithinMs: DAY - 60_000 });

    const first = await Promise.all([daily(a), daily(b)]);
    expect(first.filter((request) => request !== undefined)).toHaveLength(1);
    // an anchor at a call does not stand in for the daily one
    expect(await b.requestAnchor({ channel: 'C0AUDIT', reason: 'call', now })).toBeDefined();
    now = new Date(NOW.getTime() + DAY / 2);
    expect(await daily(a)).toBeUndefined();
    // the next day
    now = new Date(NOW.getTime() + DAY);
    expect(await daily(a)).toMatchObject({ reason: 'daily', channel: 'C0AUDIT' });
    expect(await daily(b)).toBeUndefined();

    const reasons = (await allEvents(url)).map((event) => (event.payload as { reason: string }).reason);
    expect(reasons).toEqual(['daily', 'call', 'daily']);
  }, 60_000);
});

describe('event times across replicas', () => {
  it('never go back with seq when one replica clock is behind another', async () => {
    const url = await emptyLog();
    const ahead = await replica(url, { clock: () => new Date(NOW.getTime() + 60 * 60 * 1000) });
    const behind = await replica(url, { clock: () => NOW });
    for (const patchcall of [behind, ahead, behind, behind])
      await patchcall.requestAnchor({ channel: 'C0AUDIT', reason: 'call', now: NOW });

    const times = (await allEvents(url)).map((event) => event.at);
    expect(times).toEqual([
      NOW.toISOString(),
      '2026-12-06T11:00:00.000Z',
      // the replica behind takes the head's time rather than go back an hour
      '2026-12-06T11:00:00.000Z',
      '2026-12-06T11:00:00.000Z',
    ]);
  }, 60_000);

  it('follow a simulated clock (PATCHCALL_CLOCK) on a replica, marked as a rehearsal', async () => {
    const url = await emptyLog();
    const simulated = await replica(
      url,
      clockOptions({ simulatedClock: parseSimulatedClock('2008-10-23T12:00:00Z@60'), rehearsal: true }),
    );
    for (let i = 0; i < 3; i++) await simulated.requestAnchor({ channel: 'C0AUDIT', reason: 'call', now: NOW });

    const events = await allEvents(url);
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.at.startsWith('2008-10-23T12:')).toBe(true);
      expect(event.payload).toMatchObject({ rehearsal: true });
    }
    expect([...events.map((event) => event.at)].sort()).toEqual(events.map((event) => event.at));
  }, 60_000);
});

describe('user-group members across replicas', () => {
  it('a change Slack tells one replica reaches the others without asking Slack again', async () => {
    const url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(seededDatabase(), url);
    const [a, b] = [await replica(url), await replica(url)];
    const lookups = { a: 0, b: 0 };
    const slack = (who: keyof typeof lookups) => ({
      members: async () => (lookups[who]++, [PEOPLE.sys1, PEOPLE.sys2]),
    });
    const [onA, onB] = [a.roleMembership(slack('a')), b.roleMembership(slack('b'))];
    try {
      await Promise.all([onA.refresh(), onB.refresh()]);
      expect(onB.current().sysadmin).toEqual([PEOPLE.sys1, PEOPLE.sys2]);

      // subteam_updated reaches replica A only: B's role checks see the new member too
      onA.groupUpdated('S0SYSADMIN', [PEOPLE.sys1, PEOPLE.sys2, PEOPLE.outsider]);
      await eventually(() => onB.current().sysadmin.includes(PEOPLE.outsider) || undefined, 'the member on B');
      // subteam_members_changed reaches B only
      onB.groupMembersChanged('S0SYSADMIN', [], [PEOPLE.sys2]);
      await eventually(() => !onA.current().sysadmin.includes(PEOPLE.sys2) || undefined, 'the removal on A');
      expect(onA.current().sysadmin.sort()).toEqual([PEOPLE.sys1, PEOPLE.outsider].sort());
      expect(lookups).toEqual({ a: 1, b: 1 });
    } finally {
      onA.close();
      onB.close();
    }
  }, 60_000);
});

describe('a write PostgreSQL refuses', () => {
  it('leaves no trace in what the replica folded while it ran', async () => {
    const url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(seededDatabase(), url);
    const one = await openReplica(url);
    const membership = one.patchcall.roleMembership({ members: async () => [PEOPLE.sys1, PEOPLE.sys2] });
    const members = () => membership.current();
    try {
      await one.patchcall.conveneDecision(membership, {
        bulletinId: 'MS08-067',
        actor: PEOPLE.owner,
        trigger: 'command',
        now: NOW,
      });
      // PostgreSQL refuses the position (as a lost connection or a failed commit would)
      const pool = openPool(url, { max: 1 });
      await pool.query(`CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
        CREATE TRIGGER refuse_positions BEFORE INSERT ON events FOR EACH ROW
        WHEN (NEW.type = 'decision.position-recorded') EXECUTE FUNCTION refuse_for_test()`);
      const ctx = one.replica.ctx;
      const position = { decisionId: 'MS08-067', userId: PEOPLE.sec1, stance: 'agree' as const, key: 'k1' };
      // a use case that reads the decision again after its append, as the outboxes do
      await expect(
        one.replica.write(() => (recordPosition(ctx, position, members), loadDecision(ctx, 'MS08-067'))),
      ).rejects.toThrow(/refused for the test/);
      expect(loadDecision(ctx, 'MS08-067').positions[PEOPLE.sec1]).toBeUndefined();

      await pool.query('DROP TRIGGER refuse_positions ON events');
      await pool.end();
      expect((await one.patchcall.recordPosition({ ...position, key: 'k2' }, members)).kind).toBe('recorded');
      expect(loadDecision(ctx, 'MS08-067').positions[PEOPLE.sec1]).toMatchObject({ stance: 'agree' });
    } finally {
      membership.close();
    }
  }, 60_000);
});

describe("a replica's copy of the log", () => {
  it('commits without waiting for the disk, while a SQLite store of truth waits at every commit', async () => {
    // PostgreSQL holds the events durably and a click is acked after its commit there; the copy is read again from it
    const one = await openReplica(await emptyLog());
    expect(one.replica.ctx.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(one.replica.ctx.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
