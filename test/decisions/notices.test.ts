import { foldDecision } from '../../src/decisions/apply-decision-event';
import type { DecisionEvent } from '../../src/decisions/decision-model';
import { nextNoticeEffect } from '../../src/decisions/notices';

const KEY = 'dm:MS08-067:2008-10-24T16:00:00.000Z:PT1H';
let seq = 0;
const event = (type: string, payload: unknown): DecisionEvent => ({
  seq: ++seq,
  at: '2008-10-24T15:00:00Z',
  actor: 'system',
  type,
  payload,
});
const decided = event('decision.reminder-sent', {
  key: KEY,
  kind: 'direct-message',
  deadline: '2008-10-24T16:00:00.000Z',
  point: 'PT1H',
  targets: ['U0OWN0001', 'U0DEL0001'],
});

describe('notices in the fold', () => {
  it('posts each target once, looks after an unknown outcome, and moves on after a refusal', () => {
    const effect = (...events: DecisionEvent[]) => nextNoticeEffect(foldDecision('MS08-067', [decided, ...events]));
    expect(effect()).toEqual({ kind: 'post-notice', key: KEY, target: 'U0OWN0001', look: false });
    const attempted = event('decision.notice-attempted', { key: KEY, target: 'U0OWN0001' });
    expect(effect(attempted)).toEqual({ kind: 'post-notice', key: KEY, target: 'U0OWN0001', look: true });
    const delivered = event('decision.notice-delivered', { key: KEY, target: 'U0OWN0001', ts: '1.1' });
    expect(effect(attempted, delivered)).toEqual({ kind: 'post-notice', key: KEY, target: 'U0DEL0001', look: false });
    const refused = event('decision.notice-failed', { key: KEY, target: 'U0DEL0001', error: 'user_not_found' });
    expect(effect(attempted, delivered, refused)).toBeUndefined();
  });

  it('records the key but sends nothing for an event without targets (written before notices existed)', () => {
    const { targets: _none, ...withoutTargets } = decided.payload as { targets: string[] };
    const state = foldDecision('MS08-067', [event('decision.reminder-sent', withoutTargets)]);
    expect(state.keys).toEqual([KEY]);
    expect(nextNoticeEffect(state)).toBeUndefined();
  });

  it('keeps one notice when the same key is written twice', () => {
    const state = foldDecision('MS08-067', [decided, { ...decided, seq: ++seq }]);
    expect(state.notices).toHaveLength(1);
  });
});
