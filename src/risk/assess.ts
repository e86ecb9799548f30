/**
 * The risk/reward check for one bulletin: facts per affected asset, the SSVC urgency (and BOD 26-04 timeline)
 * from the rulebook, a deadline, an explanation, the plan and the recommended call. Plain data in, data out;
 * async only because json-rules-engine is. Assets sharing a fact combination share one engine run.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { AssetMatch } from '../inventory/model';
import { computeDeadline, instant } from './deadline';
import type { Assessment, AssetVerdict, Deadline, RuleTrace, Urgency } from './model';
import { URGENCIES } from './model';
import { buildPlan, type PlanItem } from './plan';
import { assetFacts, bulletinFacts, FactPool, type FactOverrides } from './risk-facts';
import { RuleEvaluator, type Evaluation, type FiredRule } from './rule-evaluator';
import type { Rulebook } from './rulebook';
import { describeInputs } from './validate-rulebook';
import type { BodTimeline } from './ssvc-values';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface AssessInput {
  bulletin: Bulletin;
  matches: AssetMatch[];
  exposures: AssetExposure[];
  rulebook: Rulebook;
  now: Date | Dayjs | string;
  overrides?: FactOverrides;
  /** A precomputed what-if: each asset's exposure once the suggested block is in place. */
  exposureAfterMitigation?: AssetExposure[];
}

export async function assess(input: AssessInput): Promise<Assessment> {
  const { bulletin, rulebook } = input;
  const policy = rulebook.policy;
  const now = dayjs(input.now).tz(policy.timezone);
  const evaluator = new RuleEvaluator(rulebook.rules);
  const facts = bulletinFacts(bulletin, policy, now, input.overrides);
  const exposures = new Map(input.exposures.map((e) => [e.assetId, e]));
  const mitigated = new Map((input.exposureAfterMitigation ?? []).map((e) => [e.assetId, e]));
  const affected = input.matches.filter((m) => m.status === 'affected');
  const unresolved = input.matches.filter((m) => m.status === 'unknown').map((m) => m.asset.name);
  const deadlines = new Map<string, { deadline: Deadline; dueMs: number; line: string }>();
  const releasedAt = facts.fixReleasedAt?.value;
  const fixAge = releasedAt ? Math.floor(now.diff(instant(releasedAt, policy.timezone), 'hour', true)) : undefined;

  // keyed by the shared fact objects (see FactPool), so equal sentences are built once
  const sentences = new Map<unknown, string>();
  const line = (key: unknown, make: () => string): string => {
    let text = sentences.get(key);
    if (text === undefined) sentences.set(key, (text = make()));
    return text;
  };
  const explained = new WeakMap<Evaluation, { lines: string[]; traces: RuleTrace[] }>();
  const exploitationLine = `Exploitation ${facts.exploitation.value}: ${facts.exploitation.source}`;
  const automatableLine = `Automatable ${facts.automatable.value}: ${facts.automatable.source}`;
  const fixLine = `Fix ${facts.fixIds.join(', ') || '(none named)'}${releasedAt ? ` released ${releasedAt.slice(0, 10)}${fixAge !== undefined ? ` (${fixAge} h before the assessment)` : ''}` : ''}; restart ${facts.restartRequired.value ? 'required' : 'not required'} (${facts.restartRequired.source})`;
  const notYetKnownLines = facts.notYetKnown.length ? [`Not yet known at the assessment time: ${facts.notYetKnown.join('; ')}`] : [];
  const hoursSinceFix = fixAge !== undefined ? { value: fixAge, source: `${facts.fixReleasedAt!.value} to the assessment at ${now.format()}` } : undefined;

  const pool = new FactPool();
  const verdicts: AssetVerdict[] = [];
  const items: PlanItem[] = [];
  for (const match of affected) {
    const asset = match.asset;
    const af = assetFacts(asset, exposures.get(asset.id), facts, rulebook, input.overrides, pool);
    const evaluation = await evaluator.evaluate(af.inputs);
    const urgency = decided(evaluation, 'urgency', af.inputs) as Urgency;
    const bod = evaluation.decisions['bod-26-04']?.value as BodTimeline | undefined;
    const deadlineKey = `${urgency}|${bod}|${asset.patchedBy}|${asset.provider}|${asset.patchSlaDays}`;
    let cached = deadlines.get(deadlineKey);
    if (!cached) {
      const computed = computeDeadline({
        urgency,
        asset,
        now,
        policy,
        ...(bod ? { bodTimeline: bod } : {}),
        ...(facts.kevDueDate ? { kevDueDate: facts.kevDueDate } : {}),
        ...(releasedAt ? { releasedAt } : {}),
      });
      cached = { deadline: computed, dueMs: dayjs(computed.dueAt).valueOf(), line: `Deadline ${computed.dueAt}: ${computed.reason}` };
      deadlines.set(deadlineKey, cached);
    }
    const { deadline, dueMs: assetDueMs } = cached;
    let urgencyAfterMitigation: Urgency | undefined;
    const after = mitigated.get(asset.id);
    if (after) {
      const afterFacts = assetFacts(asset, after, facts, rulebook, input.overrides, pool);
      const lowered = decided(await evaluator.evaluate(afterFacts.inputs), 'urgency', afterFacts.inputs) as Urgency;
      if (URGENCIES.indexOf(lowered) < URGENCIES.indexOf(urgency)) urgencyAfterMitigation = lowered;
    }
    // 100,000 assets share a few distinct sentences: keep one copy of each, or the heap fills with duplicates
    const perEvaluation = explained.get(evaluation) ?? explainRules(evaluation);
    explained.set(evaluation, perEvaluation);
    if (hoursSinceFix) af.facts.hoursSinceFix = hoursSinceFix;
    const explanation = [
      exploitationLine,
      automatableLine,
      line(af.facts.systemExposure, () => `Exposure ${af.inputs.systemExposure}: ${af.facts.systemExposure!.source}`),
      line(af.facts.humanImpact, () => `Human impact ${af.inputs.humanImpact}: safety ${af.inputs.safetyImpact} (${af.facts.safetyImpact!.source}) x mission ${af.inputs.missionImpact} (${af.facts.missionImpact!.source})`),
      ...perEvaluation.lines,
      cached.line,
      fixLine,
      ...(asset.patchedBy === 'provider' ? [line(af.facts.patchedBy, () => `Patched by ${af.facts.patchedBy!.value}`)] : []),
      ...(asset.cluster ? [line(af.facts.clusterMember, () => `Member of cluster "${asset.cluster}": restarts can go one member at a time`)] : []),
      ...(urgencyAfterMitigation ? [line(urgencyAfterMitigation, () => `With the suggested block in place: urgency ${urgencyAfterMitigation}`)] : []),
      ...notYetKnownLines,
    ];
    const rulesFired = perEvaluation.traces;
    verdicts.push({
      assetId: asset.id,
      assetName: asset.name,
      urgency,
      facts: af.facts,
      deadline,
      explanation,
      rulesFired,
      ...(bod ? { bodTimeline: bod } : {}),
      ...(urgencyAfterMitigation ? { urgencyAfterMitigation } : {}),
    });
    items.push({
      asset,
      urgency,
      systemExposure: af.inputs.systemExposure,
      dueAt: deadline.dueAt,
      dueMs: assetDueMs,
      ...(urgencyAfterMitigation ? { urgencyAfterMitigation } : {}),
      ...(af.route ? { route: af.route } : {}),
    });
  }

  const dueMs = new Map(items.map((i) => [i.asset.id, i.dueMs]));
  verdicts.sort((a, b) => URGENCIES.indexOf(b.urgency) - URGENCIES.indexOf(a.urgency) || dueMs.get(a.assetId)! - dueMs.get(b.assetId)! || (a.assetName < b.assetName ? -1 : a.assetName > b.assetName ? 1 : 0));
  const plan = buildPlan(items, {
    bulletinId: bulletin.id,
    fixIds: facts.fixIds,
    restartRequired: facts.restartRequired.value,
    now,
    policy,
    ...(releasedAt ? { fixReleasedAt: releasedAt } : {}),
  });

  const counts = Object.fromEntries(URGENCIES.map((u) => [u, 0])) as Record<Urgency, number>;
  for (const v of verdicts) counts[v.urgency]++;
  const top = verdicts[0];
  const first = verdicts.reduce<AssetVerdict | undefined>((a, v) => (!a || dueMs.get(v.assetId)! < dueMs.get(a.assetId)! ? v : a), undefined);
  const deadline: Deadline = first
    ? { dueAt: first.deadline.dueAt, reason: `${first.assetName}: ${first.deadline.reason}` }
    : { dueAt: now.add(policy.urgencySla.defer.reviewAfterDays, 'day').format(), reason: 'no affected asset: review if the inventory changes' };
  const countText = URGENCIES.slice().reverse().filter((u) => counts[u]).map((u) => `${counts[u]} ${u}`).join(', ') || 'no affected assets';
  const reasons = [
    `Recommended: ${plan.call} (${plan.why})`,
    ...(top ? [`Most urgent: ${top.assetName} is ${top.urgency} (${describeTop(top)})`] : []),
    ...(facts.notYetKnown.length ? [`Not yet known at the assessment time: ${facts.notYetKnown.join('; ')}`] : []),
    ...(unresolved.length ? [`Could not tell whether ${unresolved.join(', ')} ${unresolved.length === 1 ? 'is' : 'are'} affected: check by hand`] : []),
  ];
  return {
    bulletinId: bulletin.id,
    assessedAt: now.format(),
    verdicts,
    plan: plan.steps,
    summary: {
      counts,
      urgency: top?.urgency ?? 'defer',
      recommendedCall: plan.call,
      deadline,
      headline: `${bulletin.id}: ${plan.call} — ${countText}${first ? `; first deadline ${dayjs(first.deadline.dueAt).tz(policy.timezone).format('ddd YYYY-MM-DD HH:mm')} (${first.assetName})` : ''}`,
      reasons,
    },
    rulebookDigest: rulebook.digest,
  };
}

function explainRules(evaluation: Evaluation): { lines: string[]; traces: RuleTrace[] } {
  const urgency = evaluation.decisions.urgency;
  const bod = evaluation.decisions['bod-26-04'];
  const describe = (rules: FiredRule[]) => rules.map((r) => `rule "${r.rule}" (${r.trace.conditions.join(', ')})`).join('; ');
  return {
    lines: [...(urgency ? [`Urgency ${urgency.value}: ${describe(urgency.rules)}`] : []), ...(bod ? [`BOD 26-04 timeline ${bod.value}: ${describe(bod.rules)}`] : [])],
    traces: [...(urgency?.rules ?? []), ...(bod?.rules ?? [])].map((r) => r.trace),
  };
}

function decided(evaluation: Evaluation, type: 'urgency', inputs: object): string {
  if (evaluation.conflicts.length) {
    const c = evaluation.conflicts[0]!;
    throw new Error(`rules ${c.rules.map((r) => `"${r.rule}"`).join(', ')} disagree on ${c.type} at priority ${c.priority} for ${describeInputs(inputs)}`);
  }
  const decision = evaluation.decisions[type];
  if (!decision) throw new Error(`no rule sets ${type} for ${describeInputs(inputs)}`);
  return decision.value;
}

function describeTop(v: AssetVerdict): string {
  const f = v.facts;
  return `exploitation ${f.exploitation?.value}, exposure ${f.systemExposure?.value}, automatable ${f.automatable?.value}, human impact ${f.humanImpact?.value}`;
}
