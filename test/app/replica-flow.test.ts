/**
 * The decision flow (open, positions, the call) through the application boundary, the same test body on both
 * stores: SQLite alone, and a replica on a real PostgreSQL (its local copy of the log, writes through PostgreSQL).
 */
import { openAppContext } from '../../src/app/app-context';
import { openPatchcall, type Patchcall } from '../../src/app/patchcall';
import { copySqliteLogToPostgres, openPostgresLog, verifyPostgresLog } from '../../src/app/postgres-store';
import { openReplicaPatchcall } from '../../src/app/replica-patchcall';
import type { StoredEvent } from '../../src/store/event-log';
import { PEOPLE, sampleAssessment } from '../decisions/sample-decision';
import { usePostgres } from '../helpers/postgres';
import { tempDbPath } from '../helpers/run-patchcall';
import { seededDatabase } from '../helpers/seeded-database';

const postgres = usePostgres();
const NOW = new Date('2026-12-06T10:00:00Z');
const assess = async (_ctx: unknown, bulletinId: string, now: Date) => ({
  ...sampleAssessment(),
  bulletinId,
  assessedAt: now.toISOString(),
});

interface Store {
  patchcall: Patchcall;
  /** The decision's events as the store of truth holds them. */
  truth(): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

const stores: Record<'sqlite' | 'postgres', () => Promise<Store>> = {
  async sqlite() {
    const dbPath = seededDatabase();
    const patchcall = openPatchcall({ dbPath, clock: () => NOW, assess });
    return {
      patchcall,
      truth: async () => {
        const ctx = openAppContext({ dbPath });
        try {
          return [...ctx.events.read({ stream: 'decision:MS08-067' })];
        } finally {
          ctx.close();
        }
      },
      close: async () => patchcall.close(),
    };
  },
  async postgres() {
    const url = await postgres.freshDatabase();
    await copySqliteLogToPostgres(seededDatabase(), url);
    const opened = await openReplicaPatchcall({ url, dbPath: tempDbPath(), clock: () => NOW, assess });
    return {
      patchcall: opened.patchcall,
      truth: async () => {
        const log = await openPostgresLog(url);
        try {
          const events: StoredEvent[] = [];
          for await (const event of log.log.read({ stream: 'decision:MS08-067' })) events.push(event);
          return events;
        } finally {
          await log.close();
        }
      },
      close: async () => {
        await opened.close();
        expect((await verifyPostgresLog(url)).chain).toMatchObject({ ok: true });
      },
    };
  },
};

const outcomes: Record<string, unknown> = {};

describe.each(['sqlite', 'postgres'] as const)('on %s', (kind) => {
  test('open, positions and the call are in the log of truth, with the same state and events', async () => {
    const store = await stores[kind]();
    const { patchcall } = store;
    try {
      const membership = patchcall.roleMembership({
        members: async (group) => (group === 'S0SYSADMIN' ? [PEOPLE.sys1, PEOPLE.sys2] : []),
      });
      const members = () => membership.current();
      const convened = await patchcall.conveneDecision(membership, {
        bulletinId: 'MS08-067',
        actor: PEOPLE.owner,
        trigger: 'command',
        now: NOW,
      });
      expect(convened.status).toBe('convened');
      const positions = await Promise.all(
        [PEOPLE.sec1, PEOPLE.net, PEOPLE.sys1].map((userId, i) =>
          patchcall.recordPosition(
            { decisionId: 'MS08-067', userId, stance: 'agree', key: `action:${i}:${userId}` },
            members,
          ),
        ),
      );
      expect(positions.map((p) => p.kind)).toEqual(['recorded', 'recorded', 'recorded']);
      // a retried delivery of the same click records nothing twice
      const again = await patchcall.recordPosition(
        { decisionId: 'MS08-067', userId: PEOPLE.sec1, stance: 'agree', key: 'action:0:' + PEOPLE.sec1 },
        members,
      );
      expect(again.kind).toBe('duplicate');
      const call = await patchcall.makeCall(
        {
          decisionId: 'MS08-067',
          userId: PEOPLE.owner,
          outcome: 'patch-now',
          rationale: 'wormable, exposed',
          overrideReason: 'the owner calls now',
          key: 'view:V1:' + PEOPLE.owner,
        },
        members,
      );
      expect(call.kind).toBe('called');
      const state = patchcall.loadDecision('MS08-067');
      expect(state.status).toBe('decided');
      const truth = await store.truth();
      const types = truth.map((e) => e.type);
      expect(types.filter((t) => t === 'decision.position-recorded')).toHaveLength(3);
      expect(types).toContain('decision.called');
      outcomes[kind] = { types, state: { status: state.status, call: state.call?.outcome } };
    } finally {
      await store.close();
    }
  }, 60_000);
});

test('both stores end with the same events and state', () => {
  expect(outcomes.postgres).toBeDefined();
  expect(outcomes.postgres).toEqual(outcomes.sqlite);
});

test('a kept replica cache is reused when it is a copy of the PostgreSQL log, and refused when it is not', async () => {
  const url = await postgres.freshDatabase();
  await copySqliteLogToPostgres(seededDatabase(), url);
  const cachePath = tempDbPath();
  const first = await openReplicaPatchcall({ url, dbPath: tempDbPath(), cachePath });
  const head = first.replica.ctx.events.head();
  await first.close();
  const again = await openReplicaPatchcall({ url, dbPath: tempDbPath(), cachePath });
  expect(again.replica.ctx.events.head()).toEqual(head);
  await again.close();
  // the same documents imported at another moment: another chain
  await expect(openReplicaPatchcall({ url, dbPath: tempDbPath(), cachePath: seededDatabase() })).rejects.toThrow(
    /is not a copy of the PostgreSQL log/,
  );
}, 60_000);
