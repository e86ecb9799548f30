import type { AssetLine } from '../../src/decisions/decision-model';
import { planProgress, type CurrentAssetStatus } from '../../src/decisions/plan-progress';
import type { PlanStep } from '../../src/risk/model';

const NOW = new Date('2008-10-26T12:00:00Z');
const servers = Array.from({ length: 35 }, (_, i) => `srv${String(i + 1).padStart(2, '0')}`);
const edge = ['web01', 'web02'];

function line(name: string, exposure: AssetLine['exposure']): AssetLine {
  return { assetId: name, name, urgency: 'immediate', exposure, publiclyExposed: exposure === 'open', reach: '' };
}

const plan: PlanStep[] = [
  {
    kind: 'patch-wave',
    title: 'Wave 1: servers',
    assets: servers,
    dueAt: '2008-10-25T22:00:00.000Z',
    details: '',
  },
  { kind: 'mitigate', title: 'Block tcp/445 at the edge', assets: edge, dueAt: '2008-10-24T16:00:00Z', details: '' },
];
const atCall = [...servers.map((s) => line(s, 'controlled')), ...edge.map((s) => line(s, 'open'))];

const patched = (name: string): CurrentAssetStatus => ({ assetName: name, match: 'patched', exposure: 'controlled' });
const behindEdge = (name: string): CurrentAssetStatus => ({
  assetName: name,
  match: 'affected',
  exposure: 'small',
  mitigatedBy: 'the edge rule',
});

describe('planProgress', () => {
  it('closes when every asset is patched or mitigated, in the words the channel gets', () => {
    const progress = planProgress({
      plan,
      assetsAtCall: atCall,
      current: [...servers.map(patched), ...edge.map(behindEdge)],
      now: NOW,
    });
    expect(progress.line).toBe('patched 35 of 37; 2 mitigated by the edge rule; exposure now small');
    expect(progress.closes).toBe(true);
    expect(progress.steps.map((s) => [s.step.title, s.status, s.resolved, s.of])).toEqual([
      ['Wave 1: servers', 'done', 35, 35],
      ['Block tcp/445 at the edge', 'done', 2, 2],
    ]);
  });

  it('keeps it open for an unknown asset, and marks the step overdue past its deadline', () => {
    const current = [
      ...servers.slice(0, 33).map(patched),
      { assetName: 'srv34', match: 'unknown' as const, exposure: 'controlled' as const },
      ...edge.map(behindEdge),
    ]; // srv35 is in no later import at all
    const progress = planProgress({ plan, assetsAtCall: atCall, current, now: NOW });
    expect(progress.closes).toBe(false);
    expect(progress.counts).toEqual({
      patched: 33,
      mitigated: 2,
      'no longer affected': 0,
      'still affected': 0,
      unknown: 2,
    });
    expect(progress.assets.filter((a) => a.status === 'unknown').map((a) => a.assetName)).toEqual(['srv34', 'srv35']);
    expect(progress.steps[0]).toMatchObject({ status: 'overdue', resolved: 33, of: 35 });
    expect(progress.line).toBe(
      'patched 33 of 37; 2 mitigated by the edge rule; 2 unknown; overdue: Wave 1: servers; exposure now unknown',
    );
  });

  it('leaves a step open before its deadline and counts an asset whose exposure was already small as still affected', () => {
    const current = [
      ...servers.slice(0, 34).map(patched),
      { assetName: 'srv35', match: 'affected' as const, exposure: 'controlled' as const },
      ...edge.map(behindEdge),
    ];
    const early = planProgress({ plan, assetsAtCall: atCall, current, now: new Date('2008-10-25T12:00:00Z') });
    expect(early.steps[0]!.status).toBe('open');
    expect(early.closes).toBe(false);
    expect(early.line).toBe(
      'patched 34 of 37; 2 mitigated by the edge rule; 1 still affected; exposure now controlled',
    );

    const alwaysSmall = planProgress({
      plan: [{ kind: 'patch-now', title: 'Patch the lab', assets: ['lab01'], details: '' }],
      assetsAtCall: [line('lab01', 'small')],
      current: [{ assetName: 'lab01', match: 'affected', exposure: 'small' }],
      now: NOW,
    });
    expect(alwaysSmall.assets[0]!.status).toBe('still affected');
    expect(alwaysSmall.closes).toBe(false);
  });

  it('counts a retired or no longer affected asset as resolved, and says so', () => {
    const progress = planProgress({
      plan: [{ kind: 'patch-now', title: 'Patch', assets: ['a', 'b'], details: '' }],
      assetsAtCall: [line('a', 'open'), line('b', 'open')],
      current: [
        { assetName: 'a', match: 'patched', exposure: 'open' },
        { assetName: 'b', match: 'retired', exposure: 'unknown' },
      ],
      now: NOW,
    });
    expect(progress.closes).toBe(true);
    expect(progress.line).toBe('patched 1 of 2; 1 no longer affected; exposure now none');
  });
});
