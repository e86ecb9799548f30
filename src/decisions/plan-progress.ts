/**
 * Closing the loop after the call: the plan at the call against what later imports show (installed fixes, closed
 * ports, a firewall change), asset by asset and step by step, with one line for the decision's channel. The decision
 * closes only when every asset is patched, mitigated or no longer affected: an asset of unknown status keeps it open.
 */
import type { MatchStatus } from '../inventory/model';
import type { PlanStep } from '../risk/model';
import type { AssetLine } from './decision-model';

export type CurrentExposure = 'none' | 'small' | 'controlled' | 'open' | 'unknown';

/** An asset as the latest imports show it, by the name the plan uses. */
export interface CurrentAssetStatus {
  assetName: string;
  match: MatchStatus;
  exposure: CurrentExposure;
  /** What brought the exposure down, in words for the channel: "the edge rule". */
  mitigatedBy?: string;
}

export type AssetProgressStatus = 'patched' | 'mitigated' | 'no longer affected' | 'still affected' | 'unknown';

export interface AssetProgress {
  assetName: string;
  status: AssetProgressStatus;
  exposure: CurrentExposure;
  mitigatedBy?: string;
}

export interface StepProgress {
  step: PlanStep;
  status: 'done' | 'open' | 'overdue';
  /** Assets of the step patched, mitigated or no longer affected. */
  resolved: number;
  of: number;
}

export interface PlanProgress {
  assets: AssetProgress[];
  steps: StepProgress[];
  counts: Record<AssetProgressStatus, number>;
  total: number;
  /** Every asset patched, mitigated or no longer affected. */
  closes: boolean;
  /** "patched 35 of 37; 2 mitigated by the edge rule; exposure now small". */
  line: string;
}

const RESOLVED: AssetProgressStatus[] = ['patched', 'mitigated', 'no longer affected'];
const EXPOSURE_RANK: Record<CurrentExposure, number> = { none: 0, small: 1, controlled: 2, open: 3, unknown: 4 };

export function planProgress(input: {
  plan: PlanStep[];
  /** The affected assets as the decision listed them at the call (DecisionState.assets). */
  assetsAtCall: AssetLine[];
  current: CurrentAssetStatus[];
  now: Date;
}): PlanProgress {
  const { plan, assetsAtCall, now } = input;
  const current = new Map(input.current.map((c) => [c.assetName, c]));
  const atCall = new Map(assetsAtCall.map((a) => [a.name, a]));
  const names = [...new Set([...assetsAtCall.map((a) => a.name), ...plan.flatMap((step) => step.assets)])];
  const mitigationStep = new Set(plan.filter((s) => s.kind === 'mitigate').flatMap((s) => s.assets));
  const assets = names.map((name): AssetProgress => {
    const latest = current.get(name);
    if (!latest) return { assetName: name, status: 'unknown', exposure: 'unknown' };
    const exposure = latest.exposure;
    const by = latest.mitigatedBy ? { mitigatedBy: latest.mitigatedBy } : {};
    if (latest.match === 'patched') return { assetName: name, status: 'patched', exposure };
    if (latest.match === 'not_affected' || latest.match === 'retired')
      return { assetName: name, status: 'no longer affected', exposure };
    if (latest.match === 'unknown') return { assetName: name, status: 'unknown', exposure };
    // a small exposure counts as mitigated only if it came down since the call, or mitigating was the plan
    const before = atCall.get(name)?.exposure ?? 'unknown';
    const cameDown = EXPOSURE_RANK[exposure] < EXPOSURE_RANK[before];
    if ((exposure === 'none' || exposure === 'small') && (cameDown || mitigationStep.has(name)))
      return { assetName: name, status: 'mitigated', exposure, ...by };
    return { assetName: name, status: 'still affected', exposure };
  });
  const byName = new Map(assets.map((a) => [a.assetName, a]));
  const steps = plan.map((step): StepProgress => {
    const resolved = step.assets.filter((name) => RESOLVED.includes(byName.get(name)!.status)).length;
    const done = resolved === step.assets.length;
    const overdue = !done && step.dueAt !== undefined && now.getTime() > Date.parse(step.dueAt);
    return { step, status: done ? 'done' : overdue ? 'overdue' : 'open', resolved, of: step.assets.length };
  });
  const counts = Object.fromEntries(
    (['patched', 'mitigated', 'no longer affected', 'still affected', 'unknown'] as AssetProgressStatus[]).map((s) => [
      s,
      assets.filter((a) => a.status === s).length,
    ]),
  ) as Record<AssetProgressStatus, number>;
  const closes = assets.length > 0 && assets.every((a) => RESOLVED.includes(a.status));
  return { assets, steps, counts, total: assets.length, closes, line: progressLine(assets, steps, counts) };
}

function progressLine(
  assets: AssetProgress[],
  steps: StepProgress[],
  counts: Record<AssetProgressStatus, number>,
): string {
  const parts = [`patched ${counts.patched} of ${assets.length}`];
  const mitigatedBy = new Map<string, number>();
  for (const a of assets.filter((a) => a.status === 'mitigated'))
    mitigatedBy.set(a.mitigatedBy ?? '', (mitigatedBy.get(a.mitigatedBy ?? '') ?? 0) + 1);
  for (const [by, n] of mitigatedBy) parts.push(`${n} mitigated${by ? ` by ${by}` : ''}`);
  if (counts['no longer affected']) parts.push(`${counts['no longer affected']} no longer affected`);
  if (counts['still affected']) parts.push(`${counts['still affected']} still affected`);
  if (counts.unknown) parts.push(`${counts.unknown} unknown`);
  const overdue = steps.filter((s) => s.status === 'overdue');
  if (overdue.length) parts.push(`overdue: ${overdue.map((s) => s.step.title).join(', ')}`);
  const remaining = assets.filter((a) => a.status !== 'patched' && a.status !== 'no longer affected');
  const exposure = remaining.reduce<CurrentExposure>(
    (worst, a) => (EXPOSURE_RANK[a.exposure] > EXPOSURE_RANK[worst] ? a.exposure : worst),
    'none',
  );
  parts.push(`exposure now ${exposure}`);
  return parts.join('; ');
}
