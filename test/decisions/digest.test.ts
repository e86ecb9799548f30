import { dayIn, digestContent, dueDigest, foldDigests, overdueSteps } from '../../src/decisions/digest';
import { applyDecisionEvent, initialDecision } from '../../src/decisions/apply-decision-event';
import type { DecisionState } from '../../src/decisions/decision-model';
import { sampleAssessment } from './sample-decision';

const schedule = { channel: 'patch-digest', cron: '0 8 * * 1-5', timezone: 'Europe/Berlin' };

describe('dueDigest', () => {
  it('is the latest weekday 08:00 in Berlin, keyed by its Berlin date, across the change to winter time', () => {
    expect(dueDigest(schedule, new Date('2008-10-24T05:59:59Z'))).toBeUndefined();
    expect(dueDigest(schedule, new Date('2008-10-24T06:00:00Z'))).toEqual({
      key: 'digest:2008-10-24',
      date: '2008-10-24',
      at: '2008-10-24T06:00:00.000Z',
      channel: 'patch-digest',
    });
    // Monday after the clocks went back: 08:00 CET is 07:00 UTC
    expect(dueDigest(schedule, new Date('2008-10-27T06:30:00Z'))).toBeUndefined();
    expect(dueDigest(schedule, new Date('2008-10-27T07:00:00Z'))?.key).toBe('digest:2008-10-27');
  });

  it('catches up after a restart within 12 hours, and not after; nothing on the weekend', () => {
    expect(dueDigest(schedule, new Date('2008-10-24T17:59:00Z'))?.key).toBe('digest:2008-10-24');
    expect(dueDigest(schedule, new Date('2008-10-24T18:00:01Z'))).toBeUndefined();
    expect(dueDigest(schedule, new Date('2008-10-25T09:00:00Z'))).toBeUndefined();
  });

  // the latest run is remembered until the next one: asked many times a second, and with a clock moved back
  it('gives the same answer asked every 250 ms across a run, and after the clock moved back', () => {
    const start = Date.parse('2008-10-24T05:59:58Z');
    for (let ms = 0; ms <= 4000; ms += 250) {
      const now = new Date(start + ms);
      const due = dueDigest(schedule, now);
      if (now.getTime() < Date.parse('2008-10-24T06:00:00Z')) expect(due).toBeUndefined();
      else expect(due?.key).toBe('digest:2008-10-24');
    }
    expect(dueDigest(schedule, new Date('2008-10-23T06:00:01Z'))?.key).toBe('digest:2008-10-23');
    expect(dueDigest(schedule, new Date('2008-10-24T05:59:59.999Z'))).toBeUndefined();
    expect(dueDigest(schedule, new Date('2008-10-24T06:00:00Z'))?.key).toBe('digest:2008-10-24');
  });

  it('names the day in the digest zone, not in UTC', () => {
    expect(dayIn(new Date('2008-10-23T22:30:00Z'), 'Europe/Berlin')).toBe('2008-10-24');
  });
});

describe('the digest fold', () => {
  it('keeps the first due per key and follows the attempt, the post and a refusal', () => {
    const due = { key: 'digest:2008-10-24', date: '2008-10-24', at: '2008-10-24T06:00:00.000Z', channel: 'x' };
    const folded = foldDigests([
      { type: 'digest.due', payload: due },
      { type: 'digest.due', payload: { ...due, channel: 'later' } },
      { type: 'digest.attempted', payload: { key: due.key } },
      { type: 'digest.posted', payload: { key: due.key, channel: 'C1', ts: '1.2' } },
      { type: 'digest.failed', payload: { key: 'digest:unknown', error: 'x' } },
    ]);
    expect([...folded.values()]).toEqual([{ ...due, attempted: true, posted: { channel: 'C1', ts: '1.2' } }]);
  });
});

describe('digestContent', () => {
  const convened = (): DecisionState =>
    applyDecisionEvent(initialDecision('MS08-067'), {
      seq: 1,
      at: '2008-10-23T16:00:00Z',
      actor: 'U1',
      type: 'decision.convened',
      payload: {
        decisionId: 'MS08-067',
        bulletinId: 'MS08-067',
        assessment: sampleAssessment(),
        assets: [
          { assetId: 'web01', name: 'web01', urgency: 'immediate', exposure: 'open', publiclyExposed: true, reach: '' },
          {
            assetId: 'fs01',
            name: 'fs01',
            urgency: 'immediate',
            exposure: 'controlled',
            publiclyExposed: false,
            reach: '',
          },
        ],
        exposures: [],
        members: { security: [], network: [], sysadmin: [], owner: [], delegate: [] },
      },
    });

  it('lists the open decision and its open exposure; steps are past due only once the call binds the plan', () => {
    const open = convened();
    const now = new Date('2008-10-24T06:00:00Z');
    expect(digestContent([open], now)).toMatchObject({
      open: [{ id: 'MS08-067' }],
      overdueSteps: [],
      openExposure: [{ decisionId: 'MS08-067', assets: ['web01'] }],
    });
    const decided: DecisionState = { ...open, status: 'decided' };
    expect(overdueSteps(decided, now).map((s) => s.step.title)).toEqual(['Wave 1: staging']);
    expect(overdueSteps(decided, new Date('2008-10-23T21:59:00Z'))).toEqual([]);
  });

  it('leaves out steps a later import recorded done, exposure brought down since, and closed decisions', () => {
    const now = new Date('2008-10-24T06:00:00Z');
    const progress = {
      at: '2008-10-24T01:00:00Z',
      cause: 'import of scan.xml (nmap)',
      line: 'patched 1 of 2; exposure now controlled',
      counts: { patched: 1, 'still affected': 1 },
      total: 2,
      steps: [{ title: 'Wave 1: staging', kind: 'patch-wave', status: 'done' as const, resolved: 1, of: 1 }],
      assets: [
        { assetName: 'web01', status: 'patched', exposure: 'open' },
        { assetName: 'fs01', status: 'still affected', exposure: 'open' },
      ],
      closes: false,
    };
    const open = convened();
    const decided: DecisionState = {
      ...open,
      status: 'decided',
      living: { providers: [], escalations: [], notices: [], noticesPosted: [], progress },
    };
    expect(overdueSteps(decided, now)).toEqual([]);
    // the patched web01 no longer counts; fs01, controlled at convening, was found open by the later import
    expect(digestContent([decided], now).openExposure).toEqual([{ decisionId: 'MS08-067', assets: ['fs01'] }]);
    const closed: DecisionState = {
      ...decided,
      living: { ...decided.living!, progress: { ...progress, steps: [] }, closed: { at: now.toISOString(), line: '' } },
    };
    expect(digestContent([closed], now)).toEqual({ open: [], overdueSteps: [], openExposure: [] });
  });
});
