import type { AssetExposure } from '../../src/exposure/model';
import { assessmentChanges, type AssessedBulletin } from '../../src/risk/assessment-changes';
import type { Assessment } from '../../src/risk/model';
import { sampleAssessment } from '../decisions/sample-decision';

/** The sample MS08-067 assessment (web01 immediate/open, fs01 immediate/controlled, stage01 out-of-cycle/small). */
function base(): Assessment {
  const assessment = sampleAssessment();
  for (const v of assessment.verdicts) {
    v.facts.exploitation = { value: 'public poc', source: 'CISA SSVC record for CVE-2008-4250' };
    v.rulesFired = [{ rule: `deployer-${v.urgency}`, conditions: [] }];
  }
  return assessment;
}

const affected = (id: string) => ({ assetId: id, assetName: id, status: 'affected' as const, reasons: ['OS matches'] });

function exposure(id: string, level: AssetExposure['systemExposure'], reason: string): AssetExposure {
  return {
    assetId: id,
    assetName: id,
    zone: 'dmz',
    ports: [],
    systemExposure: level,
    publiclyExposed: level === 'open',
    reasons: [reason],
    warnings: [],
  };
}

describe('assessmentChanges', () => {
  it('says "nothing changed" for the same assessment made again later', () => {
    const later = { ...base(), assessedAt: '2008-10-25T09:00:00.000Z' };
    const changes = assessmentChanges({ assessment: base() }, { assessment: later });
    expect(changes).toMatchObject({ unchanged: true, assets: [], overall: [], summary: 'nothing changed' });
  });

  it('names the deciding fact when a KEV listing raises an asset urgency', () => {
    const after = base();
    const stage = after.verdicts.find((v) => v.assetId === 'stage01')!;
    stage.urgency = 'immediate';
    stage.facts.exploitation = { value: 'active', source: 'CISA KEV catalog (added 2008-10-25)' };
    stage.rulesFired = [{ rule: 'deployer-immediate', conditions: [] }];
    const changes = assessmentChanges({ assessment: base() }, { assessment: after });
    expect(changes.unchanged).toBe(false);
    expect(changes.assets).toHaveLength(1);
    expect(changes.assets[0]).toMatchObject({
      assetName: 'stage01',
      direction: 'worse',
      changes: [{ field: 'urgency', before: 'out-of-cycle', after: 'immediate', direction: 'worse' }],
      decidingFacts: [
        { fact: 'exploitation', before: 'public poc', after: 'active', source: 'CISA KEV catalog (added 2008-10-25)' },
        { fact: 'rules fired', before: 'deployer-out-of-cycle', after: 'deployer-immediate', source: 'the rulebook' },
      ],
    });
    expect(changes.summary).toBe(
      '1 asset changed (1 worse): stage01 urgency out-of-cycle → immediate ' +
        '(exploitation: public poc → active; rules fired: deployer-out-of-cycle → deployer-immediate)',
    );
  });

  it('never reads an asset that became unknown, or dropped out of the data, as safe', () => {
    const before: AssessedBulletin = {
      assessment: base(),
      matches: [affected('web01'), affected('fs01'), affected('stage01')],
    };
    const after = base();
    after.verdicts = after.verdicts.filter((v) => v.assetId === 'web01');
    const changes = assessmentChanges(before, {
      assessment: after,
      matches: [
        affected('web01'),
        { assetId: 'fs01', assetName: 'fs01', status: 'unknown', reasons: ['no source states the OS of fs01'] },
      ],
    });
    expect(changes.assets.map((a) => [a.assetName, a.direction, a.after.match])).toEqual([
      ['fs01', 'worse', 'unknown'],
      ['stage01', 'worse', 'unknown'],
    ]);
    expect(changes.assets[0]!.changes).toContainEqual({
      field: 'match',
      before: 'affected',
      after: 'unknown',
      direction: 'worse',
    });
    expect(changes.assets[0]!.decidingFacts).toContainEqual({
      fact: 'match',
      after: 'no source states the OS of fs01',
      source: 'the inventory match',
    });
    expect(changes.assets[1]!.decidingFacts).toContainEqual({
      fact: 'match',
      after: 'no longer in the assessment: cannot be shown safe',
      source: 'the new assessment',
    });
    expect(changes.summary).toMatch(
      /^2 assets changed \(2 worse\): fs01 match affected → unknown.* — unknown, not safe;/,
    );
    expect(changes.summary).not.toMatch(/better/);
  });

  it('shows a patch and a closed port as changes for the better, and an exposure turned unknown as worse', () => {
    const before: AssessedBulletin = {
      assessment: base(),
      matches: [affected('web01'), affected('fs01'), affected('stage01')],
      exposures: [
        exposure('web01', 'open', 'tcp/445 from internet'),
        exposure('fs01', 'controlled', 'tcp/445 from office'),
      ],
    };
    const after = base();
    after.verdicts = after.verdicts.filter((v) => v.assetId !== 'stage01');
    after.verdicts.find((v) => v.assetId === 'fs01')!.facts.system_exposure = {
      value: 'unknown',
      source: 'no firewall export covers the office zone any more',
    };
    const changes = assessmentChanges(before, {
      assessment: after,
      matches: [
        affected('web01'),
        affected('fs01'),
        { assetId: 'stage01', assetName: 'stage01', status: 'patched', reasons: ['KB958644 installed (CMDB)'] },
      ],
      exposures: [exposure('web01', 'small', 'edge rule 12 drops tcp/445 from internet')],
    });
    const byName = Object.fromEntries(changes.assets.map((a) => [a.assetName, a]));
    expect(byName.fs01).toMatchObject({
      direction: 'worse',
      changes: [{ field: 'exposure', before: 'controlled', after: 'unknown' }],
      decidingFacts: [{ fact: 'system_exposure', before: 'controlled', after: 'unknown' }],
    });
    expect(byName.web01).toMatchObject({
      direction: 'better',
      changes: [{ field: 'exposure', before: 'open', after: 'small', direction: 'better' }],
      decidingFacts: [{ fact: 'exposure', after: 'edge rule 12 drops tcp/445 from internet' }],
    });
    expect(byName.stage01).toMatchObject({ direction: 'better', after: { match: 'patched' } });
    expect(changes.assets.map((a) => a.assetName)).toEqual(['fs01', 'stage01', 'web01']);
  });

  it('reports the bulletin-wide changes and an edited rulebook', () => {
    const after = { ...base(), rulebookDigest: 'f'.repeat(64) };
    after.summary = {
      ...after.summary,
      recommendedCall: 'mitigate-and-defer',
      deadline: { dueAt: '2008-10-24T10:00:00.000Z', reason: 'KEV due date' },
    };
    const changes = assessmentChanges(
      { assessment: { ...base(), rulebookDigest: 'e'.repeat(64) } },
      { assessment: after },
    );
    expect(changes.overall).toEqual([
      { field: 'recommended call', before: 'patch-now', after: 'mitigate-and-defer', direction: 'different' },
      { field: 'deadline', before: '2008-10-24T16:00:00.000Z', after: '2008-10-24T10:00:00.000Z', direction: 'worse' },
    ]);
    expect(changes.decidingFacts).toEqual([
      { fact: 'rulebook', before: 'eeeeeeeeeeee', after: 'ffffffffffff', source: 'the rules folder (edited)' },
    ]);
    expect(changes.summary).toBe(
      'overall recommended call patch-now → mitigate-and-defer, deadline 2008-10-24T16:00:00.000Z → 2008-10-24T10:00:00.000Z',
    );
  });
});
