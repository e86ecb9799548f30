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
});
