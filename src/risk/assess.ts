/**
 * The risk/reward check for one bulletin: facts per affected asset, the SSVC urgency (and BOD 26-04 timeline)
 * from the rulebook, a deadline, an explanation, the plan and the recommended call. Plain data in, data out;
 * async only because json-rules-engine is. Assets sharing a fact combination share one engine run.
 */
import { formatTime } from '../common/time-format';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { Asset, AssetMatch } from '../inventory/model';
import { computeDeadline, instant, urgencyDeadline, type Candidate } from './deadline';
import type { Assessment, AssetVerdict, Deadline, FactWithSource, RuleTrace, Urgency } from './model';
import { URGENCIES } from './model';
import { buildPlan, type PlanItem } from './plan';
import { assetFacts, bulletinFacts, FactPool, type ExposureRoute, type FactOverrides } from './risk-facts';
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

/** What the assets sharing one facts record share in their verdicts. */
interface Combination {
  urgency: Urgency;
  bod: BodTimeline | undefined;
  deadline: Deadline;
  dueMs: number;
  facts: Record<string, FactWithSource>;
  rulesFired: RuleTrace[];
  explanation: (urgencyAfterMitigation: Urgency | undefined) => string[];
  /** One explanation per urgency after mitigation (or none), built on first use. */
  explanations: Map<Urgency | undefined, string[]>;
  group: VerdictGroup;
}

interface VerdictGroup {
  /** Index in URGENCIES. */
  rank: number;
  dueMs: number;
  verdicts: AssetVerdict[];
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
  const unknownMatches = input.matches.filter((m) => m.status === 'unknown');
  const unresolved = unknownMatches.map((m) => m.asset.name);
  const deadlines = new Map<string, { deadline: Deadline; dueMs: number; line: string }>();
  const urgencyDeadlines = new Map<Urgency, Candidate>();
  const ownDeadline = (urgency: Urgency): Candidate => {
    let own = urgencyDeadlines.get(urgency);
    if (!own) urgencyDeadlines.set(urgency, (own = urgencyDeadline(urgency, now, policy)));
    return own;
  };
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
  const notYetKnownLines = facts.notYetKnown.length
    ? [`Not yet known at the assessment time: ${facts.notYetKnown.join('; ')}`]
    : [];
  const hoursSinceFix =
    fixAge !== undefined
      ? { value: fixAge, source: `${facts.fixReleasedAt!.value} to the assessment at ${now.format()}` }
      : undefined;

  // Assets with the same facts record (FactPool shares it) get the same verdict apart from their id and name: the
  // engine run, deadline, explanation and facts are worked out once per record and shared, read-only, by all of them.
  const pool = new FactPool();
  const combos = new Map<Record<string, FactWithSource>, Combination>();
  const lowered = new Map<Record<string, FactWithSource>, Urgency>();
  // verdicts grouped by (urgency, due time), each group in input order: sorting the groups and then each group by
  // name gives the order of one stable sort over all verdicts
  const groups = new Map<string, VerdictGroup>();
  const items: PlanItem[] = [];
  for (const match of affected) {
    const asset = match.asset;
    const af = assetFacts(asset, exposures.get(asset.id), facts, rulebook, input.overrides, pool);
    let combo = combos.get(af.facts);
    if (!combo) {
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
          urgencyDeadline: ownDeadline,
          ...(bod ? { bodTimeline: bod } : {}),
          ...(facts.kevDueDate ? { kevDueDate: facts.kevDueDate } : {}),
          ...(releasedAt ? { releasedAt } : {}),
        });
        cached = {
          deadline: computed,
          dueMs: dayjs(computed.dueAt).valueOf(),
          line: `Deadline ${formatTime(computed.dueAt, policy.timezone)}: ${computed.reason}`,
        };
        deadlines.set(deadlineKey, cached);
      }
      const groupKey = `${URGENCIES.indexOf(urgency)}|${cached.dueMs}`;
      let group = groups.get(groupKey);
      if (!group)
        groups.set(groupKey, (group = { rank: URGENCIES.indexOf(urgency), dueMs: cached.dueMs, verdicts: [] }));
      let perEvaluation = explained.get(evaluation);
      if (!perEvaluation) explained.set(evaluation, (perEvaluation = explainRules(evaluation)));
      const { lines, traces } = perEvaluation;
      const f = af.facts;
      const i = af.inputs;
      const explanation = (urgencyAfterMitigation: Urgency | undefined): string[] => [
        exploitationLine,
        automatableLine,
        line(f.systemExposure, () => `Exposure ${i.systemExposure}: ${f.systemExposure!.source}`),
        line(
          f.humanImpact,
          () =>
            `Human impact ${i.humanImpact}: safety impact "${i.safetyImpact}" (${f.safetyImpact!.source}) with mission impact "${i.missionImpact}" (${f.missionImpact!.source})`,
        ),
        ...lines,
        cached.line,
        fixLine,
        ...(asset.patchedBy === 'provider' ? [line(f.patchedBy, () => `Patched by ${f.patchedBy!.value}`)] : []),
        ...(asset.cluster
          ? [line(f.clusterMember, () => `Member of cluster "${asset.cluster}": restarts can go one member at a time`)]
          : []),
        ...(urgencyAfterMitigation
          ? [line(urgencyAfterMitigation, () => `With the suggested block in place: urgency ${urgencyAfterMitigation}`)]
          : []),
        ...notYetKnownLines,
      ];
      combo = {
        urgency,
        bod,
        deadline: cached.deadline,
        dueMs: cached.dueMs,
        facts: hoursSinceFix ? { ...f, hoursSinceFix } : f,
        rulesFired: traces,
        explanation,
        explanations: new Map(),
        group,
      };
      combos.set(af.facts, combo);
    }
    let urgencyAfterMitigation: Urgency | undefined;
    const after = mitigated.get(asset.id);
    if (after) {
      const afterFacts = assetFacts(asset, after, facts, rulebook, input.overrides, pool);
      let urgency = lowered.get(afterFacts.facts);
      if (!urgency) {
        urgency = decided(await evaluator.evaluate(afterFacts.inputs), 'urgency', afterFacts.inputs) as Urgency;
        lowered.set(afterFacts.facts, urgency);
      }
      if (URGENCIES.indexOf(urgency) < URGENCIES.indexOf(combo.urgency)) urgencyAfterMitigation = urgency;
    }
    let explanation = combo.explanations.get(urgencyAfterMitigation);
    if (!explanation)
      combo.explanations.set(urgencyAfterMitigation, (explanation = combo.explanation(urgencyAfterMitigation)));
    combo.group.verdicts.push(verdictOf(asset, combo, explanation, urgencyAfterMitigation));
    items.push(planItemOf(asset, combo, af.inputs.systemExposure, urgencyAfterMitigation, af.route));
  }

  const sortedGroups = [...groups.values()].sort((a, b) => b.rank - a.rank || a.dueMs - b.dueMs);
  const verdicts: AssetVerdict[] = [];
  for (const group of sortedGroups) {
    group.verdicts.sort((a, b) => (a.assetName < b.assetName ? -1 : a.assetName > b.assetName ? 1 : 0));
    for (const v of group.verdicts) verdicts.push(v);
  }
  const plan = buildPlan(items, {
    bulletinId: bulletin.id,
    workarounds: (bulletin.workarounds ?? []).map((w) => w.value),
    unknowns: unknownMatches.map((m) => ({
      asset: m.asset,
      why: m.reasons[0] ?? 'no reason recorded',
      possiblyAffected: m.possiblyAffected === true,
    })),
    fixIds: facts.fixIds,
    restartRequired: facts.restartRequired.value,
    now,
    policy,
    ...(releasedAt ? { fixReleasedAt: releasedAt } : {}),
  });

  const counts = Object.fromEntries(URGENCIES.map((u) => [u, 0])) as Record<Urgency, number>;
  let earliestGroup: VerdictGroup | undefined;
  for (const group of sortedGroups) {
    counts[URGENCIES[group.rank]!] += group.verdicts.length;
    if (!earliestGroup || group.dueMs < earliestGroup.dueMs) earliestGroup = group;
  }
  const top = verdicts[0];
  // the first verdict, in the sorted order, of the earliest due time
  const first = earliestGroup?.verdicts[0];
  const deadline: Deadline = first
    ? { dueAt: first.deadline.dueAt, reason: `${first.assetName}: ${first.deadline.reason}` }
    : unresolved.length
      ? {
          dueAt: now.add(policy.urgencySla.immediate.hours, 'hour').format(),
          reason: `establish whether ${unresolved.length} asset${unresolved.length === 1 ? ' is' : 's are'} affected, within the time an immediate asset would get`,
        }
      : {
          dueAt: now.add(policy.urgencySla.defer.reviewAfterDays, 'day').format(),
          reason: 'no affected asset: review if the inventory changes',
        };
  const countText =
    URGENCIES.slice()
      .reverse()
      .filter((u) => counts[u])
      .map((u) => `${counts[u]} ${u}`)
      .join(', ') || (unresolved.length ? '' : 'no affected assets');
  const unknownText = unresolved.length
    ? `unknown exposure for ${unresolved.length} asset${unresolved.length === 1 ? '' : 's'}`
    : '';
  const countLine = [countText, unknownText].filter(Boolean).join('; ');
  const reasons = [
    `Recommended: ${plan.call} (${plan.why})`,
    ...(top ? [`Most urgent: ${top.assetName} is ${top.urgency} (${describeTop(top)})`] : []),
    ...(facts.notYetKnown.length ? [`Not yet known at the assessment time: ${facts.notYetKnown.join('; ')}`] : []),
    ...(unresolved.length
      ? [
          `Unknown exposure for ${unresolved.length} asset${unresolved.length === 1 ? '' : 's'} (${unresolved.join(', ')}): could not tell whether ${unresolved.length === 1 ? 'it is' : 'they are'} affected; see the "establish" step`,
        ]
      : []),
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
      unknown: {
        count: unresolved.length,
        possiblyAffected: unknownMatches.filter((m) => m.possiblyAffected).length,
        assets: unknownMatches.map((m) => ({
          name: m.asset.name,
          ...(m.asset.owner ? { owner: m.asset.owner } : {}),
          why: m.reasons[0] ?? 'no reason recorded',
        })),
      },
      headline: `${bulletin.id}: ${plan.call} — ${countLine}${first ? `; first deadline, for ${first.assetName}: ${formatTime(first.deadline.dueAt, policy.timezone)}` : ''}`,
      reasons,
    },
    rulebookDigest: rulebook.digest,
  };
}

// One literal per shape rather than adding the optional keys afterwards, which would give each of 100,000 objects
// a second allocation; the key order stays that of the AssetVerdict and PlanItem interfaces.
function verdictOf(asset: Asset, combo: Combination, explanation: string[], after: Urgency | undefined): AssetVerdict {
  const { urgency, facts, deadline, rulesFired, bod } = combo;
  const { id: assetId, name: assetName } = asset;
  if (bod && after)
    return {
      assetId,
      assetName,
      urgency,
      facts,
      deadline,
      explanation,
      rulesFired,
      bodTimeline: bod,
      urgencyAfterMitigation: after,
    };
  if (bod) return { assetId, assetName, urgency, facts, deadline, explanation, rulesFired, bodTimeline: bod };
  if (after)
    return { assetId, assetName, urgency, facts, deadline, explanation, rulesFired, urgencyAfterMitigation: after };
  return { assetId, assetName, urgency, facts, deadline, explanation, rulesFired };
}

function planItemOf(
  asset: Asset,
  combo: Combination,
  systemExposure: string,
  after: Urgency | undefined,
  route: ExposureRoute | undefined,
): PlanItem {
  const { urgency, dueMs } = combo;
  const dueAt = combo.deadline.dueAt;
  if (after && route) return { asset, urgency, systemExposure, dueAt, dueMs, urgencyAfterMitigation: after, route };
  if (after) return { asset, urgency, systemExposure, dueAt, dueMs, urgencyAfterMitigation: after };
  if (route) return { asset, urgency, systemExposure, dueAt, dueMs, route };
  return { asset, urgency, systemExposure, dueAt, dueMs };
}

function explainRules(evaluation: Evaluation): { lines: string[]; traces: RuleTrace[] } {
  const urgency = evaluation.decisions.urgency;
  const bod = evaluation.decisions['bod-26-04'];
  const describe = (rules: FiredRule[]) =>
    rules.map((r) => `rule "${r.rule}" (${r.trace.conditions.join(', ')})`).join('; ');
  return {
    lines: [
      ...(urgency ? [`Urgency ${urgency.value}: ${describe(urgency.rules)}`] : []),
      ...(bod ? [`BOD 26-04 timeline ${bod.value}: ${describe(bod.rules)}`] : []),
    ],
    traces: [...(urgency?.rules ?? []), ...(bod?.rules ?? [])].map((r) => r.trace),
  };
}

function decided(evaluation: Evaluation, type: 'urgency', inputs: object): string {
  if (evaluation.conflicts.length) {
    const c = evaluation.conflicts[0]!;
    throw new Error(
      `rules ${c.rules.map((r) => `"${r.rule}"`).join(', ')} disagree on ${c.type} at priority ${c.priority} for ${describeInputs(inputs)}`,
    );
  }
  const decision = evaluation.decisions[type];
  if (!decision) throw new Error(`no rule sets ${type} for ${describeInputs(inputs)}`);
  return decision.value;
}

function describeTop(v: AssetVerdict): string {
  const f = v.facts;
  return `exploitation ${f.exploitation?.value}, exposure ${f.systemExposure?.value}, automatable ${f.automatable?.value}, human impact ${f.humanImpact?.value}`;
}
