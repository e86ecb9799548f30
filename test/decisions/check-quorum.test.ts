import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { foldDecision } from '../../src/decisions/apply-decision-event';
import { checkQuorum, validateQuorumPolicy } from '../../src/decisions/check-quorum';
import { DecisionEvents } from '../../src/decisions/decision-model';
import { convenedPayload, eventsFrom, PEOPLE, position, sampleAssessment } from './sample-decision';

const policyFile = join(__dirname, '../../rules/quorum.json');
const policy = validateQuorumPolicy(JSON.parse(readFileSync(policyFile, 'utf8')), policyFile);

function decision(urgency: 'immediate' | 'out-of-cycle' | 'defer', ...positions: ReturnType<typeof position>[]) {
  const payload = convenedPayload({ assessment: sampleAssessment({ urgency }) });
  return foldDecision('MS08-067', eventsFrom([{ type: DecisionEvents.convened, payload }, ...positions]));
}

describe('checkQuorum with rules/quorum.json', () => {
  it('Immediate needs security, network and sysadmin', () => {
    const partial = decision(
      'immediate',
      position(PEOPLE.sec1, ['security'], 'agree', 'a'),
      position(PEOPLE.sys1, ['sysadmin'], 'agree', 'b'),
    );
    const result = checkQuorum(partial, policy, 'patch-now');
    expect(result.met).toBe(false);
    expect(result.summary).toBe('quorum not met: security 1/1, network 0/1, sysadmin 1/1');
    const full = decision(
      'immediate',
      position(PEOPLE.sec1, ['security'], 'agree', 'a'),
      position(PEOPLE.sys1, ['sysadmin'], 'alternative', 'b', 'wave it'),
      position(PEOPLE.net, ['network'], 'agree', 'c'),
    );
    expect(checkQuorum(full, policy, 'patch-now')).toMatchObject({ met: true, againstRecommendation: false });
  });

  it('does not count "need more info" as a position', () => {
    const state = decision(
      'immediate',
      position(PEOPLE.sec1, ['security'], 'more-info', 'a', 'which hosts?'),
      position(PEOPLE.sys1, ['sysadmin'], 'agree', 'b'),
      position(PEOPLE.net, ['network'], 'agree', 'c'),
    );
    expect(checkQuorum(state, policy, 'patch-now').requirements[0]).toMatchObject({
      role: 'security',
      filledBy: [],
      missing: 1,
    });
  });

  it('counts the latest position only', () => {
    const state = decision(
      'immediate',
      position(PEOPLE.sec1, ['security'], 'agree', 'a'),
      position(PEOPLE.sec1, ['security'], 'more-info', 'b', 'wait'),
    );
    expect(checkQuorum(state, policy, 'patch-now').requirements[0]!.filledBy).toEqual([]);
  });

  it('lets one person fill one requirement only, even with two roles', () => {
    const state = decision(
      'immediate',
      position(PEOPLE.sec1, ['security', 'network'], 'agree', 'a'),
      position(PEOPLE.sys1, ['sysadmin'], 'agree', 'b'),
    );
    const result = checkQuorum(state, policy, 'patch-now');
    expect(result.met).toBe(false);
    const withNet = decision(
      'immediate',
      position(PEOPLE.sec1, ['security', 'network'], 'agree', 'a'),
      position(PEOPLE.sys1, ['sysadmin'], 'agree', 'b'),
      position(PEOPLE.net, ['network'], 'agree', 'c'),
    );
    // the matching moves the two-role person to security so the network person fills network, whatever the order
    expect(checkQuorum(withNet, policy, 'patch-now').met).toBe(true);
  });

  it('a call against the recommendation needs two security positions', () => {
    const positions = [
      position(PEOPLE.sec1, ['security'], 'alternative', 'a', 'mitigate first'),
      position(PEOPLE.sys1, ['sysadmin'], 'agree', 'b'),
      position(PEOPLE.net, ['network'], 'agree', 'c'),
    ];
    const one = decision('immediate', ...positions);
    expect(checkQuorum(one, policy, 'patch-now').met).toBe(true);
    const against = checkQuorum(one, policy, 'mitigate-and-defer');
    expect(against).toMatchObject({ met: false, againstRecommendation: true });
    expect(against.summary).toBe(
      'quorum not met (call against the recommendation): security 1/2, network 1/1, sysadmin 1/1',
    );
    const two = decision('immediate', ...positions, position(PEOPLE.sec2, ['security'], 'agree', 'd'));
    expect(checkQuorum(two, policy, 'mitigate-and-defer').met).toBe(true);
  });

  it('needs nobody for a deferral the rules recommend', () => {
    const state = decision('defer');
    expect(
      checkQuorum(
        {
          ...state,
          assessment: { ...state.assessment!, summary: { ...state.assessment!.summary, recommendedCall: 'defer' } },
        },
        policy,
        'defer',
      ),
    ).toMatchObject({ met: true, summary: 'quorum met: no positions required' });
  });

  it('refuses a malformed policy with the place that is wrong', () => {
    expect(() =>
      validateQuorumPolicy(
        { byUrgency: { defer: [], scheduled: [], 'out-of-cycle': [], immediate: [{ role: 'dba', count: 1 }] } },
        'q.json',
      ),
    ).toThrow('q.json: /byUrgency/immediate/0: role must be one of security, network, sysadmin');
    expect(() => validateQuorumPolicy({ byUrgency: { defer: [], immediate: [] } }, 'q.json')).toThrow(
      '/byUrgency/scheduled: missing',
    );
  });
});
