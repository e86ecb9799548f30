import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../../../src/app/app-context';
import {
  appendDecisionEvent,
  decisionIds,
  findDecision,
  listDecisions,
  loadDecision,
} from '../../../src/app/decision-log';
import { writeTransaction } from '../../../src/store/write-transaction';
import { foldDecision } from '../../../src/decisions/apply-decision-event';
import {
  DecisionEvents,
  decisionStream,
  type ConvenedPayload,
  type PositionPayload,
} from '../../../src/decisions/decision-model';

// the listeners read decisions through a per-context fold; it must match a fresh fold whoever appended
describe('decision folds kept per context', () => {
  const convened = (id: string) =>
    ({
      decisionId: id,
      bulletinId: id,
      channel: { id: `C${id}`, name: id.toLowerCase() },
      members: { security: ['U1'], network: [], sysadmin: [], owner: [], delegate: [] },
    }) as unknown as ConvenedPayload;

  it('sees appends from another connection to the same database and equals a full fold', () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-fold-')), 'patchcall.db');
    const app = openAppContext({ dbPath });
    const cli = openAppContext({ dbPath });
    try {
      expect(decisionIds(app)).toEqual([]);
      appendDecisionEvent(cli, loadDecision(cli, 'MS08-067'), DecisionEvents.convened, 'U1', convened('MS08-067'));
      expect(findDecision(app, 'ms08-067').status).toBe('open');
      appendDecisionEvent<PositionPayload>(cli, loadDecision(cli, 'MS08-067'), DecisionEvents.positionRecorded, 'U1', {
        userId: 'U1',
        roles: ['security'],
        stance: 'agree',
        key: 'k1',
      });
      appendDecisionEvent(app, loadDecision(app, 'MS08-068'), DecisionEvents.convened, 'U1', convened('MS08-068'));
      expect(decisionIds(app)).toEqual(['MS08-067', 'MS08-068']);
      expect(loadDecision(app, 'MS08-067').positions.U1?.stance).toBe('agree');
      for (const state of listDecisions(app))
        expect(state).toEqual(foldDecision(state.id, app.events.read({ stream: decisionStream(state.id) })));
      expect(loadDecision(app, 'MS09-001')).toEqual(foldDecision('MS09-001', []));
    } finally {
      cli.close();
      app.close();
    }
  });

  it('keeps no event of a transaction that was rolled back after a read inside it', () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-fold-')), 'patchcall.db');
    const app = openAppContext({ dbPath });
    try {
      appendDecisionEvent(app, loadDecision(app, 'MS08-067'), DecisionEvents.convened, 'U1', convened('MS08-067'));
      expect(() =>
        writeTransaction(app.db, () => {
          appendDecisionEvent<PositionPayload>(
            app,
            loadDecision(app, 'MS08-067'),
            DecisionEvents.positionRecorded,
            'U1',
            {
              userId: 'U1',
              roles: ['security'],
              stance: 'agree',
              key: 'k1',
            },
          );
          expect(loadDecision(app, 'MS08-067').positions.U1?.stance).toBe('agree');
          throw new Error('disk full');
        }),
      ).toThrow('disk full');
      expect(loadDecision(app, 'MS08-067').positions).toEqual({});
      expect(loadDecision(app, 'MS08-067').keys).toEqual([]);
    } finally {
      app.close();
    }
  });

  // the app's folds move on with its own appends instead of reading them back; whatever mix of appends from this
  // connection and another, stale states handed in, and transactions rolled back, a read equals the plain fold
  it('moves on with its own appends and still equals a full fold after any sequence of appends', () => {
    const step = fc.record({
      by: fc.constantFrom('app', 'cli'),
      decision: fc.constantFrom('MS08-067', 'MS08-068'),
      user: fc.constantFrom('U1', 'U2', 'U3'),
      kind: fc.constantFrom('position', 'pending', 'refused', 'rolled-back', 'group', 'savepoint-rolled-back'),
      stance: fc.constantFrom('agree', 'alternative', 'more-info'),
      stale: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-fold-prop-')), 'patchcall.db');
        const app = openAppContext({ dbPath });
        const cli = openAppContext({ dbPath });
        try {
          for (const id of ['MS08-067', 'MS08-068'])
            appendDecisionEvent(app, loadDecision(app, id), DecisionEvents.convened, 'U1', convened(id));
          const earlier = new Map(['MS08-067', 'MS08-068'].map((id) => [id, loadDecision(app, id)]));
          steps.forEach((s, i) => {
            const ctx = s.by === 'app' ? app : cli;
            // a state read a while ago (another append may have landed since) or the current one
            const state = s.stale && s.by === 'app' ? earlier.get(s.decision)! : loadDecision(ctx, s.decision);
            const key = `k${i}`;
            const append = () => {
              if (s.kind === 'pending')
                appendDecisionEvent(ctx, state, DecisionEvents.positionPending, s.user, {
                  userId: s.user,
                  stance: s.stance,
                  key,
                  groups: ['S1'],
                });
              else if (s.kind === 'refused')
                appendDecisionEvent(ctx, state, DecisionEvents.refused, s.user, {
                  userId: s.user,
                  attempted: 'position',
                  reason: 'no',
                  key,
                });
              else
                appendDecisionEvent<PositionPayload>(ctx, state, DecisionEvents.positionRecorded, s.user, {
                  userId: s.user,
                  roles: ['security'],
                  stance: s.stance,
                  key,
                });
            };
            const position = (user: string, suffix = '') =>
              appendDecisionEvent<PositionPayload>(
                ctx,
                loadDecision(ctx, s.decision),
                DecisionEvents.positionRecorded,
                user,
                {
                  userId: user,
                  roles: ['security'],
                  stance: s.stance,
                  key: key + suffix,
                },
              );
            if (s.kind === 'rolled-back') {
              // read inside the transaction (as the next click of a group commit does), then rolled back
              expect(() =>
                writeTransaction(ctx.db, () => {
                  appendDecisionEvent<PositionPayload>(ctx, state, DecisionEvents.positionRecorded, s.user, {
                    userId: s.user,
                    roles: ['security'],
                    stance: s.stance,
                    key,
                  });
                  expect(loadDecision(ctx, s.decision).keys).toContain(key);
                  throw new Error('rolled back');
                }),
              ).toThrow('rolled back');
            } else if (s.kind === 'group') {
              // a group commit: several clicks in one transaction, each reading what the one before it appended
              writeTransaction(ctx.db, () => {
                position(s.user);
                position('U4', 'b');
                expect(loadDecision(ctx, s.decision).keys).toEqual(expect.arrayContaining([key, `${key}b`]));
              });
            } else if (s.kind === 'savepoint-rolled-back') {
              // one click of a group fails after its append: its savepoint goes, the others commit
              writeTransaction(ctx.db, () => {
                expect(() =>
                  writeTransaction(ctx.db, () => {
                    position(s.user, 'x');
                    throw new Error('rolled back');
                  }),
                ).toThrow('rolled back');
                expect(loadDecision(ctx, s.decision).keys).not.toContain(`${key}x`);
                position('U4');
              });
            } else append();
            if (i % 3 === 0) earlier.set(s.decision, loadDecision(app, s.decision));
            for (const id of ['MS08-067', 'MS08-068'])
              expect(loadDecision(app, id)).toEqual(foldDecision(id, app.events.read({ stream: decisionStream(id) })));
          });
        } finally {
          cli.close();
          app.close();
        }
      }),
      { seed: 20261206, numRuns: 60 },
    );
  });
});
