/**
 * The risk/reward check for one bulletin: a verdict per affected asset (./verdict.ts, shared between assets with
 * equal facts by ./verdict-memo.ts), most urgent first; the plan and the recommended call (./plan.ts); a summary
 * for the card. Plain data in, data out; async only because json-rules-engine is.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Bulletin } from '../bulletins/model';
import { formatTime } from '../common/time-format';
import type { AssetExposure } from '../exposure/model';
import type { Asset, AssetMatch } from '../inventory/model';
import type { Assessment, AssessmentSummary, AssetVerdict, Deadline, Urgency } from './model';
import { URGENCIES } from './model';
import { addHours, addLocalDays, isoInstant } from './deadline';
import { buildPlan, type Plan, type PlanItem } from './plan';
import { bulletinFacts, type AssetFacts, type BulletinFacts, type FactOverrides } from './risk-facts';
import type { Rulebook } from './rulebook';
import { dueMs, verdictSetting } from './verdict';
import { VerdictMemo } from './verdict-memo';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface AssessInput {
  bulletin: Bulletin;
  matches: AssetMatch[];
  exposures: AssetExposure[];
  rulebook: Rulebook;
  now: Date | Dayjs | string;
  /** Count deadlines from this moment instead of `now` (a decision assessed again keeps its first anchor). */
  deadlineAnchor?: Date | string;
  overrides?: FactOverrides;
  /** A precomputed what-if: each asset's exposure once the suggested block is in place. */
  exposureAfterMitigation?: AssetExposure[];
}

export async function assess(input: AssessInput): Promise<Assessment> {
  const { bulletin, rulebook } = input;
  const policy = rulebook.policy;
  const now = dayjs(input.now).tz(policy.timezone);
  const facts = bulletinFacts(bulletin, policy, now, input.overrides);
  const anchor = input.deadlineAnchor !== undefined ? dayjs(input.deadlineAnchor).tz(policy.timezone) : undefined;
  const memo = new VerdictMemo(rulebook, verdictSetting(facts, now, rulebook, anchor), input.overrides);
  const exposures = new Map(input.exposures.map((e) => [e.assetId, e]));
  const mitigated = new Map((input.exposureAfterMitigation ?? []).map((e) => [e.assetId, e]));
  const unknownMatches = input.matches.filter((m) => m.status === 'unknown');
  const releasedAt = facts.fixReleasedAt?.value;

  const items: PlanItem[] = [];
  const verdicts: AssetVerdict[] = [];
  for (const { asset } of input.matches.filter((m) => m.status === 'affected')) {
    const af = memo.facts(asset, exposures.get(asset.id));
    const after = mitigated.get(asset.id);
    const verdict = await memo.verdictFor(asset, af, after && memo.facts(asset, after));
    verdicts.push(verdict);
    items.push(planItemOf(asset, verdict, af));
  }
  mostUrgentFirst(verdicts, items);

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

  return {
    bulletinId: bulletin.id,
    assessedAt: isoInstant(now),
    verdicts,
    plan: plan.steps,
    summary: summaryOf(bulletin, facts, verdicts, unknownMatches, plan, rulebook, now),
    rulebookDigest: rulebook.digest,
  };
}

/** The counts, the first deadline, the headline and the reasons a card shows above the verdicts. */
function summaryOf(
  bulletin: Bulletin,
  facts: BulletinFacts,
  verdicts: AssetVerdict[],
  unknownMatches: AssetMatch[],
  plan: Plan,
  rulebook: Rulebook,
  now: Dayjs,
): AssessmentSummary {
  const policy = rulebook.policy;
  const unresolved = unknownMatches.map((m) => m.asset.name);
  const counts = Object.fromEntries(URGENCIES.map((u) => [u, 0])) as Record<Urgency, number>;
  for (const v of verdicts) counts[v.urgency]++;
  const top = verdicts[0];
  const first = firstDue(verdicts);
  const deadline: Deadline = first
    ? { dueAt: first.deadline.dueAt, reason: `${first.assetName}: ${first.deadline.reason}` }
    : unresolved.length
      ? {
          dueAt: isoInstant(addHours(now, policy.urgencySla.immediate.hours, policy.timezone)),
          reason: `establish whether ${unresolved.length} asset${unresolved.length === 1 ? ' is' : 's are'} affected, within the time an immediate asset would get`,
        }
      : {
          dueAt: isoInstant(addLocalDays(now, policy.urgencySla.defer.reviewAfterDays, policy.timezone)),
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
  };
}

function planItemOf(asset: Asset, verdict: AssetVerdict, facts: AssetFacts): PlanItem {
  return {
    asset,
    urgency: verdict.urgency,
    systemExposure: facts.inputs.systemExposure,
    dueAt: verdict.deadline.dueAt,
    dueMs: dueMs(verdict.deadline),
    ...(verdict.urgencyAfterMitigation ? { urgencyAfterMitigation: verdict.urgencyAfterMitigation } : {}),
    ...(facts.route ? { route: facts.route } : {}),
  };
}

/**
 * Sorts the verdicts most urgent first, then earliest due, then by name (a stable sort: equal names keep the input
 * order). `items[i]` is the plan item of `verdicts[i]` and carries its due time; the items keep their order.
 */
function mostUrgentFirst(verdicts: AssetVerdict[], items: PlanItem[]): void {
  const rows = verdicts.map((verdict, i) => ({
    verdict,
    rank: URGENCIES.indexOf(verdict.urgency),
    due: items[i]!.dueMs,
  }));
  rows.sort(
    (a, b) =>
      b.rank - a.rank ||
      a.due - b.due ||
      (a.verdict.assetName < b.verdict.assetName ? -1 : a.verdict.assetName > b.verdict.assetName ? 1 : 0),
  );
  rows.forEach((row, i) => (verdicts[i] = row.verdict));
}

/** The first verdict, in the sorted order, of the earliest due time. */
function firstDue(verdicts: AssetVerdict[]): AssetVerdict | undefined {
  let first: { verdict: AssetVerdict; due: number } | undefined;
  for (const verdict of verdicts) {
    const due = dueMs(verdict.deadline);
    if (!first || due < first.due) first = { verdict, due };
  }
  return first?.verdict;
}

function describeTop(v: AssetVerdict): string {
  const f = v.facts;
  return `exploitation ${f.exploitation?.value}, exposure ${f.systemExposure?.value}, automatable ${f.automatable?.value}, human impact ${f.humanImpact?.value}`;
}
