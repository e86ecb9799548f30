/**
 * One asset's verdict, as SSVC defines it: its facts go through the rulebook (json-rules-engine), the rules that
 * fire decide the urgency (and the BOD 26-04 timeline), the urgency sets a deadline, and the explanation says why
 * in the order a reader needs it. No caches here: ./verdict-memo.ts shares the work between assets with equal facts.
 */
import type { Dayjs } from 'dayjs';
import { ConfigError } from '../common/errors';
import { formatTime } from '../common/time-format';
import type { Asset } from '../inventory/model';
import { computeDeadline, instant, isoInstant } from './deadline';
import type { AssetVerdict, Deadline, FactWithSource, Urgency } from './model';
import { URGENCIES } from './model';
import type { AssetFacts, BulletinFacts } from './risk-facts';
import { RuleEvaluator, type Evaluation, type FiredRule } from './rule-evaluator';
import type { Rulebook } from './rulebook';
import type { BodTimeline } from './ssvc-values';
import { describeInputs } from './validate-rulebook';

/** What every verdict of one assessment shares: the bulletin's facts, the assessment time, the rulebook (its engine,
 * its policy's deadlines and time zone). Make it with `verdictSetting`. */
export interface VerdictSetting {
  bulletin: BulletinFacts;
  /** The assessment time, in the policy's time zone. */
  now: Dayjs;
  /** Where deadlines are counted from when not `now` (a decision assessed again keeps its first anchor). */
  anchor?: Dayjs;
  evaluator: RuleEvaluator;
  /** Whole hours from the fix's release to the assessment, when the release is known. */
  fixAge?: FactWithSource<number>;
  /** `deadlineFor` at this setting; ./verdict-memo.ts gives a memoised one. */
  deadline: (asset: Asset, urgency: Urgency, bodTimeline: BodTimeline | undefined) => Deadline;
  /** A due time as a reader sees it, in the policy's time zone. */
  showTime: (iso: string) => string;
}

export function verdictSetting(
  bulletin: BulletinFacts,
  now: Dayjs,
  rulebook: Rulebook,
  anchor?: Dayjs,
): VerdictSetting {
  const releasedAt = bulletin.fixReleasedAt?.value;
  const setting: VerdictSetting = {
    bulletin,
    now,
    ...(anchor ? { anchor } : {}),
    evaluator: new RuleEvaluator(rulebook.rules),
    deadline: (asset, urgency, bodTimeline) => deadlineFor(asset, urgency, bodTimeline, rulebook, setting),
    showTime: (iso) => formatTime(iso, rulebook.policy.timezone),
  };
  if (releasedAt) {
    const hours = Math.floor(now.diff(instant(releasedAt, rulebook.policy.timezone), 'hour', true));
    setting.fixAge = { value: hours, source: `${releasedAt} to the assessment at ${isoInstant(now)}` };
  }
  return setting;
}

/**
 * @param mitigated the asset's facts once the suggested block is in place, when a what-if was supplied: the verdict
 * then says the urgency the block would lower it to.
 */
export async function verdictFor(
  asset: Asset,
  facts: AssetFacts,
  setting: VerdictSetting,
  mitigated?: AssetFacts,
): Promise<AssetVerdict> {
  const evaluation = await setting.evaluator.evaluate(facts.inputs);
  const urgency = decidedUrgency(evaluation, facts.inputs);
  const bodTimeline = evaluation.decisions['bod-26-04']?.value as BodTimeline | undefined;
  const deadline = setting.deadline(asset, urgency, bodTimeline);
  const urgencyAfterMitigation = mitigated ? await lowered(urgency, mitigated, setting) : undefined;
  return {
    assetId: asset.id,
    assetName: asset.name,
    urgency,
    facts: setting.fixAge ? { ...facts.facts, hoursSinceFix: setting.fixAge } : facts.facts,
    deadline,
    explanation: explanation(asset, facts, evaluation, deadline, urgencyAfterMitigation, setting),
    rulesFired: firedRules(evaluation).map((r) => r.trace),
    ...(bodTimeline ? { bodTimeline } : {}),
    ...(urgencyAfterMitigation ? { urgencyAfterMitigation } : {}),
  };
}

/** The earliest of the KEV due date, the provider's contract and the urgency's own deadline (see ./deadline.ts). */
export function deadlineFor(
  asset: Asset,
  urgency: Urgency,
  bodTimeline: BodTimeline | undefined,
  rulebook: Rulebook,
  { bulletin, now, anchor }: Pick<VerdictSetting, 'bulletin' | 'now' | 'anchor'>,
): Deadline {
  const releasedAt = bulletin.fixReleasedAt?.value;
  return computeDeadline({
    urgency,
    asset,
    now,
    ...(anchor ? { anchor } : {}),
    policy: rulebook.policy,
    ...(bodTimeline ? { bodTimeline } : {}),
    ...(bulletin.kevDueDate ? { kevDueDate: bulletin.kevDueDate } : {}),
    ...(releasedAt ? { releasedAt } : {}),
  });
}

/** The urgency with the block in place, when it is lower than without. */
async function lowered(urgency: Urgency, mitigated: AssetFacts, setting: VerdictSetting): Promise<Urgency | undefined> {
  const after = decidedUrgency(await setting.evaluator.evaluate(mitigated.inputs), mitigated.inputs);
  return URGENCIES.indexOf(after) < URGENCIES.indexOf(urgency) ? after : undefined;
}

function explanation(
  asset: Asset,
  { facts: f, inputs: i }: AssetFacts,
  evaluation: Evaluation,
  deadline: Deadline,
  urgencyAfterMitigation: Urgency | undefined,
  setting: VerdictSetting,
): string[] {
  const { bulletin } = setting;
  return [
    `Exploitation ${bulletin.exploitation.value}: ${bulletin.exploitation.source}`,
    `Automatable ${bulletin.automatable.value}: ${bulletin.automatable.source}`,
    `Exposure ${i.systemExposure}: ${f.systemExposure!.source}`,
    `Human impact ${i.humanImpact}: safety impact "${i.safetyImpact}" (${f.safetyImpact!.source}) with mission impact "${i.missionImpact}" (${f.missionImpact!.source})`,
    ...ruleLines(evaluation),
    `Deadline ${setting.showTime(deadline.dueAt)}: ${deadline.reason}`,
    fixLine(setting),
    ...(asset.patchedBy === 'provider' ? [`Patched by ${f.patchedBy!.value}`] : []),
    ...(asset.cluster ? [`Member of cluster "${asset.cluster}": restarts can go one member at a time`] : []),
    ...(urgencyAfterMitigation ? [`With the suggested block in place: urgency ${urgencyAfterMitigation}`] : []),
    ...(bulletin.notYetKnown.length
      ? [`Not yet known at the assessment time: ${bulletin.notYetKnown.join('; ')}`]
      : []),
  ];
}

function fixLine(setting: VerdictSetting): string {
  const { bulletin } = setting;
  const releasedAt = bulletin.fixReleasedAt?.value;
  const age = setting.fixAge?.value;
  const released = releasedAt
    ? ` released ${releasedAt.slice(0, 10)}${age !== undefined ? ` (${age} h before the assessment)` : ''}`
    : '';
  const restart = bulletin.restartRequired.value ? 'required' : 'not required';
  return `Fix ${bulletin.fixIds.join(', ') || '(none named)'}${released}; restart ${restart} (${bulletin.restartRequired.source})`;
}

function ruleLines(evaluation: Evaluation): string[] {
  const urgency = evaluation.decisions.urgency;
  const bod = evaluation.decisions['bod-26-04'];
  const describe = (rules: FiredRule[]) =>
    rules.map((r) => `rule "${r.rule}" (${r.trace.conditions.join(', ')})`).join('; ');
  return [
    ...(urgency ? [`Urgency ${urgency.value}: ${describe(urgency.rules)}`] : []),
    ...(bod ? [`BOD 26-04 timeline ${bod.value}: ${describe(bod.rules)}`] : []),
  ];
}

function firedRules(evaluation: Evaluation): FiredRule[] {
  return [...(evaluation.decisions.urgency?.rules ?? []), ...(evaluation.decisions['bod-26-04']?.rules ?? [])];
}

/**
 * The urgency the rules decided; rules that disagree, or none that fires, is a rulebook error, never a guess.
 * `rules check` refuses such a rulebook at load, so this is reached only by one that was not checked.
 */
function decidedUrgency(evaluation: Evaluation, inputs: object): Urgency {
  if (evaluation.conflicts.length) {
    const c = evaluation.conflicts[0]!;
    throw new ConfigError(
      `rules ${c.rules.map((r) => `"${r.rule}"`).join(', ')} disagree on ${c.type} at priority ${c.priority} for ${describeInputs(inputs)}`,
    );
  }
  const decision = evaluation.decisions.urgency;
  if (!decision) throw new ConfigError(`no rule sets urgency for ${describeInputs(inputs)}`);
  return decision.value as Urgency;
}

/** Epoch milliseconds of a deadline, for ordering across offsets. */
export function dueMs(deadline: Deadline): number {
  // what dayjs(dueAt).valueOf() gives for an ISO 8601 time with an offset, without its wrapper object
  return new Date(deadline.dueAt).getTime();
}
