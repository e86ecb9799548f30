/**
 * The App Home publisher on two replicas of one PostgreSQL log: what was published to each person is shared
 * (db/migrations/postgres/014), so a Home is published once, by whichever replica looks first, and a replica
 * that starts later publishes nothing Slack already shows. The Slack side is a recording port that renders what a
 * person's Home depends on (what the real one renders is tested through the app in test/slack/flows/app-home*).
 */
import { copySqliteLogToPostgres } from '../../src/app/postgres-store';
import type { HomeSnapshot, HomeViewsPort } from '../../src/app/home-outbox';
import { openReplicaPatchcall, type ReplicaPatchcall } from '../../src/app/replica-patchcall';
import { noMembers } from '../../src/decisions/home-audience';
import { usePostgres } from '../helpers/postgres';
import { tempDbPath } from '../helpers/run-patchcall';
import { seededDatabase } from '../helpers/seeded-database';
import { PEOPLE, sampleAssessment } from '../decisions/sample-decision';
import { eventually } from '../slack/flows/decision-flow-setup';

const postgres = usePostgres();
const NOW = new Date('2008-10-24T10:00:00Z');

describe('App Home publishing across replicas', () => {
  const opened: ReplicaPatchcall[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((one) => one.close()));
  });
  const openReplica = async (url: string) => {
    const one = await openReplicaPatchcall({
      url,
      dbPath: tempDbPath(),
      clock: () => NOW,
      assess: async (_ctx, bulletinId, now) => ({ ...sampleAssessment(), bulletinId, assessedAt: now.toISOString() }),
    });
    opened.push(one);
    return one;
  };
  const published: { replica: string; userId: string }[] = [];
  const portOf = (replica: string): HomeViewsPort => ({
    render: (userId: string, snapshot: HomeSnapshot) => ({
      userId,
      decisions: snapshot.decisions.map((d) => [d.id, d.status, d.positions[userId]?.stance ?? 'owed']),
    }),
    renderShared: (snapshot: HomeSnapshot) => snapshot.decisions.map((d) => [d.id, d.status]),
    publish: async (userId: string) => void published.push({ replica, userId }),
  });
  const sameHead = (a: ReplicaPatchcall, b: ReplicaPatchcall) =>
    eventually(
      () => a.replica.ctx.events.head().seq === b.replica.ctx.events.head().seq || undefined,
      'both copies at one head',
    );

  it('publishes each Home once whichever replica looks, and nothing again when another replica starts', async () => {
    const url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(seededDatabase(), url);
    const a = await openReplica(url);
    const b = await openReplica(url);
    const membership = a.patchcall.roleMembership({ members: async () => [PEOPLE.sys1, PEOPLE.sys2] });
    const homesA = a.patchcall.homeOutbox(portOf('a'), { sweepMs: 3_600_000, members: noMembers });
    const homesB = b.patchcall.homeOutbox(portOf('b'), { sweepMs: 3_600_000, members: noMembers });
    try {
      await a.patchcall.conveneDecision(membership, {
        bulletinId: 'MS08-067',
        actor: PEOPLE.owner,
        trigger: 'command',
        now: NOW,
      });
      await sameHead(a, b);
      homesA.start();
      await homesA.idle();
      expect(published.filter((p) => p.userId === PEOPLE.sec1)).toEqual([{ replica: 'a', userId: PEOPLE.sec1 }]);
      // b starts on the same log: every Home it renders is the one Slack shows already
      homesB.start();
      await homesB.idle();
      expect(published.filter((p) => p.replica === 'b')).toEqual([]);

      // a position recorded through b changes sec1's Home: both replicas look, one publishes
      const before = published.length;
      const recorded = await b.patchcall.recordPosition(
        { decisionId: 'MS08-067', userId: PEOPLE.sec1, stance: 'agree', key: 'k1' },
        () => noMembers(),
      );
      expect(recorded.kind).toBe('recorded');
      await sameHead(a, b);
      homesB.nudge();
      await homesB.idle();
      homesA.nudge();
      await homesA.idle();
      expect(published.slice(before)).toEqual([{ replica: 'b', userId: PEOPLE.sec1 }]);
    } finally {
      await Promise.all([homesA.stop(), homesB.stop()]);
      membership.close();
    }
  }, 60_000);
});
