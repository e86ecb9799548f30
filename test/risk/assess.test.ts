import { isoUtc } from '../../src/common/time-format';
import { RulesFolder } from '../../src/app/rules-folder';
import { assess } from '../../src/risk/assess';
import type { Assessment } from '../../src/risk/model';
import type { Rulebook } from '../../src/risk/rulebook';
import { SHIPPED_RULES } from './rulebook-copy';
import { ms08067, seedExposures, seedMatches, web01Blocked } from './seed-story';

// Thursday afternoon in Berlin, the day MS08-067 came out of band
const NOW = '2008-10-23T15:00:00+02:00';

describe('the seed story (db/seed/README.md) on 2008-10-23', () => {
  let rulebook: Rulebook;
  let result: Assessment;
  beforeAll(async () => {
    rulebook = await RulesFolder.load(SHIPPED_RULES).rulebook();
    result = await assess({ bulletin: ms08067(), matches: seedMatches, exposures: seedExposures, rulebook, now: NOW });
  });
  const verdict = (name: string) => result.verdicts.find((v) => v.assetName === name)!;
  const step = (title: RegExp) => result.plan.find((s) => title.test(s.title))!;

  it('rates web01, internet-reachable production, immediate and lists it first', () => {
    expect(result.verdicts[0]!.assetName).toBe('web01');
    expect(verdict('web01').urgency).toBe('immediate');
    expect(verdict('web01').deadline).toEqual({
      dueAt: isoUtc('2008-10-24T15:00:00+02:00'),
      reason: 'Immediate: 24 h',
    });
  });

  it('explains web01 with the facts, their sources and the rules that fired', () => {
    const text = verdict('web01').explanation.join('\n');
    expect(text).toContain(
      'Exploitation active: the bulletin (ms08-067.bulletin.yaml): Microsoft is aware of limited, targeted attacks',
    );
    expect(text).toContain('Automatable yes: the bulletin (ms08-067.bulletin.yaml) says it is wormable');
    expect(text).toContain('Exposure open: tcp/445 reachable from the internet through rule 3 of edge');
    expect(text).toContain('Human impact very high: safety impact "negligible"');
    expect(text).toContain('with mission impact "mission failure"');
    expect(text).toContain('Deadline Fri 24 Oct 2008 15:00 CEST (13:00 UTC): Immediate: 24 h');
    expect(text).toMatch(
      /Urgency immediate: rule "immediate-active-open-automatable-high-impact" \(exploitation = active, systemExposure = open, automatable = yes, humanImpact = very high \(one of high, very high\)\)/,
    );
    expect(verdict('web01').rulesFired.map((r) => r.rule)).toEqual([
      'immediate-active-open-automatable-high-impact',
      'immediate-active-open-very-high-impact',
      'bod-3-days-exposed-automatable-total',
    ]);
  });

  it('leaves out what was not known in 2008 (the 2026 KEV listing and CISA SSVC record)', () => {
    expect(verdict('web01').facts.inKev).toEqual({ value: 'no', source: 'not in CISA KEV at the assessment time' });
    expect(result.summary.reasons.join('\n')).toMatch(
      /Not yet known at the assessment time: CISA KEV lists CVE-2008-4250 \(dated 2026-05-20/,
    );
  });

  it('rates fs01, the internal file server, out-of-cycle with a 72 h deadline across the DST change', () => {
    expect(verdict('fs01').urgency).toBe('out-of-cycle');
    expect(verdict('fs01').facts.systemExposure!.source).toBe(
      'tcp/445 reachable from zone office through rule 2 of core',
    );
    // 72 elapsed hours; Berlin leaves summer time on 2008-10-26, so the wall clock shows 14:00
    expect(verdict('fs01').deadline.dueAt).toBe(isoUtc('2008-10-26T14:00:00+01:00'));
  });

  it('leaves the patched fs02, the Linux db01 and the retired host out, and flags printsrv', () => {
    expect(result.verdicts.map((v) => v.assetName).sort()).toEqual([
      'cloud-app01',
      'fs01',
      'stage01',
      'web01',
      'web02',
    ]);
    expect(result.plan.flatMap((s) => s.assets)).not.toContain('fs02');
    expect(result.summary.reasons.join('\n')).toContain('Unknown exposure for 1 asset (printsrv)');
    expect(result.summary.unknown).toMatchObject({ count: 1, assets: [{ name: 'printsrv' }] });
    const establish = result.plan.find((step) => step.kind === 'establish');
    expect(establish).toMatchObject({ assets: ['printsrv'] });
    expect(establish!.details).toMatch(/could not tell whether MS08-067 affects printsrv/);
  });

  it('mitigates web01 at the edge rule that exposes it and patches it now', () => {
    const block = step(/^Block/);
    expect(block).toMatchObject({ kind: 'mitigate', title: 'Block tcp/445 at edge (rule 3)', assets: ['web01'] });
    expect(step(/^Patch now/)).toMatchObject({
      kind: 'patch-now',
      assets: ['web01'],
      dueAt: isoUtc('2008-10-24T15:00:00+02:00'),
    });
  });

  it('patches staging first and production after the soak, cluster members one at a time', () => {
    expect(step(/^Wave 1/)).toMatchObject({ kind: 'patch-wave', assets: ['stage01'], startAt: isoUtc(NOW) });
    const wave2 = step(/^Wave 2/);
    expect(wave2.assets.sort()).toEqual(['fs01', 'web02']);
    expect(wave2.startAt).toBe(isoUtc('2008-10-25T00:00:00+02:00')); // release day 00:00 + 48 h soak
    expect(wave2.details).toContain('Cluster "web": web02 one member at a time');
    expect(result.plan.findIndex((s) => s.kind === 'patch-wave')).toBeGreaterThan(
      result.plan.findIndex((s) => s.kind === 'patch-now'),
    );
  });

  it('asks Contoso Hosting for cloud-app01 with the contractual deadline (release + 30 days)', () => {
    const ask = step(/^Ask/);
    expect(ask).toMatchObject({ kind: 'ask-provider', title: 'Ask Contoso Hosting to patch', assets: ['cloud-app01'] });
    expect(ask.details).toContain(
      'Under our contract (30 days from the release on 2008-10-23) it is due by Sat 22 Nov 2008 23:59 CET (22:59 UTC).',
    );
    expect(ask.details).toContain('We rate it out-of-cycle and ask for it by Sun 26 Oct 2008 14:00 CET (13:00 UTC);');
    expect(verdict('cloud-app01').explanation).toContain('Patched by provider Contoso Hosting, contract SLA 30 days');
  });

  it('summarises: counts, most urgent first, the call', () => {
    expect(result.summary.counts).toEqual({ defer: 0, scheduled: 0, 'out-of-cycle': 4, immediate: 1 });
    expect(result.summary.recommendedCall).toBe('patch-now');
    expect(result.summary.urgency).toBe('immediate');
    expect(result.summary.headline).toBe(
      'MS08-067: patch-now — 1 immediate, 4 out-of-cycle; unknown exposure for 1 asset; first deadline, for web01: Fri 24 Oct 2008 15:00 CEST (13:00 UTC)',
    );
    expect(result.rulebookDigest).toBe(rulebook.digest);
  });

  it('recommends mitigate-and-defer when the what-if shows the block lowers web01', async () => {
    const withBlock = await assess({
      bulletin: ms08067(),
      matches: seedMatches,
      exposures: seedExposures,
      rulebook,
      now: NOW,
      exposureAfterMitigation: [web01Blocked],
    });
    const web01 = withBlock.verdicts.find((v) => v.assetName === 'web01')!;
    expect(web01).toMatchObject({ urgency: 'immediate', urgencyAfterMitigation: 'out-of-cycle' });
    expect(withBlock.summary.recommendedCall).toBe('mitigate-and-defer');
    expect(withBlock.plan.find((s) => s.kind === 'patch-now')).toBeUndefined();
    expect(withBlock.plan.find((s) => s.kind === 'mitigate')!.details).toContain(
      'lowers web01 from immediate to out-of-cycle',
    );
  });

  it('in 2026 counts the KEV listing and CISA SSVC record, and BOD 26-04 can set the deadline', async () => {
    const bod = { ...rulebook, policy: { ...rulebook.policy, deadlinePolicy: 'bod-26-04' as const } };
    const later = await assess({
      bulletin: ms08067(),
      matches: seedMatches,
      exposures: seedExposures,
      rulebook: bod,
      now: '2026-06-01T09:00:00Z',
    });
    const fs01 = later.verdicts.find((v) => v.assetName === 'fs01')!;
    expect(fs01.facts.inKev!.value).toBe('yes');
    expect(fs01.bodTimeline).toBe('3 days & forensic investigation');
    expect(fs01.deadline).toEqual({
      dueAt: isoUtc('2026-06-04T11:00:00+02:00'),
      reason: 'BOD 26-04: 3 days & forensic investigation from the assessment',
    });
    // the fix is 17 years old: no soak, but the restart still stages the waves
    expect(later.plan.find((s) => /^Wave 2/.test(s.title))!.startAt).toBe(isoUtc('2026-06-01T11:00:00+02:00'));
  });

  it('takes a manual override over every feed, and assumes open when no exposure is known', async () => {
    const r = await assess({
      bulletin: ms08067(),
      matches: seedMatches,
      exposures: [],
      rulebook,
      now: NOW,
      overrides: { exploitation: { value: 'none', reason: 'lab replay', by: 'alice' } },
    });
    const stage01 = r.verdicts.find((v) => v.assetName === 'stage01')!;
    expect(stage01.facts.exploitation).toEqual({ value: 'none', source: 'set by hand by alice: lab replay' });
    expect(stage01.facts.systemExposure).toEqual({
      value: 'open',
      source: 'assumed: no exposure analysis for stage01, so it is treated as open',
    });
  });

  it('derives automatable from the CVSS vector when no source states it, labelled as a heuristic', async () => {
    const r = await assess({
      bulletin: ms08067({ automatable: undefined, ssvc: [] }),
      matches: seedMatches,
      exposures: seedExposures,
      rulebook,
      now: NOW,
    });
    expect(r.verdicts[0]!.facts.automatable!.source).toMatch(/^heuristic from the CVSS vector AV:N\/AC:L\/Au:N/);
  });
});
