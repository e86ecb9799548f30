/**
 * Closing the loop after the call: what later imports show (fixes installed, ports closed, a firewall change) is
 * matched against the plan (`planProgress`), recorded as `decision.progress-recorded` with the progress line for
 * the channel, and the decision closes itself (`decision.closed`) once every asset is patched, mitigated or no
 * longer affected. A plan step or a provider past its deadline and not done is escalated by ./escalate-overdue-steps.ts.
 */
import { createHash } from 'node:crypto';
import { formatTime } from '../common/time-format';
import type { AssetExposure } from '../exposure/model';
import type { AssetMatch } from '../inventory/model';
import type { AssetLine, DecisionSnapshot, DecisionState, ChannelNotice } from '../decisions/decision-model';
import { LivingEvents, livingOf, type ClosedPayload, type ProgressPayload } from '../decisions/living-decision';
import { planProgress, type CurrentAssetStatus } from '../decisions/plan-progress';
import type { Assessment } from '../risk/model';
import type { AppContext } from './app-context';
import { appendDecisionEvent } from './decision-log';
import { displayTimeZone } from './display-zone';

/** A bulletin assessed again on today's inputs, with its matches, exposures and the inputs' snapshot. */
export interface Reassessed {
  assessment: Assessment;
  matches: AssetMatch[];
  exposures: AssetExposure[];
  snapshot: DecisionSnapshot;
}

/** Records the plan's progress if it moved; undefined when there is nothing new to say. */
export function recordProgress(
  ctx: AppContext,
  state: DecisionState,
  reassessed: Reassessed,
  request: { cause: string; mitigatedBy?: string },
): { result: 'progress' | 'closed'; summary: string } | undefined {
  const living = livingOf(state);
  const exposureOf = new Map(reassessed.exposures.map((e) => [e.assetId, e.systemExposure]));
  const current: CurrentAssetStatus[] = reassessed.matches.map((m) => ({
    assetName: m.asset.name,
    match: m.status,
    exposure: exposureOf.get(m.asset.id) ?? 'unknown',
    ...(request.mitigatedBy ? { mitigatedBy: request.mitigatedBy } : {}),
  }));
  const progress = planProgress({
    plan: state.assessment!.plan,
    assetsAtCall: assetsSoFar(state),
    current,
    now: ctx.clock(),
  });
  const resolved = progress.total - progress.counts['still affected'] - progress.counts.unknown;
  const overdue = progress.steps.some((s) => s.status === 'overdue');
  // the first report after the call is worth a message only once something moved or fell behind
  if (!living.progress && resolved === 0 && !overdue) return undefined;
  const essence = {
    assets: progress.assets.map((a) => [a.assetName, a.status, a.exposure]),
    steps: progress.steps.map((s) => [s.step.title, s.status, s.resolved]),
  };
  const key = `progress:${state.id}:${createHash('sha256').update(JSON.stringify(essence)).digest('hex').slice(0, 16)}`;
  if (state.keys.includes(key)) return undefined;
  const zone = displayTimeZone(ctx);
  const stepLines = progress.steps.map(
    (s) =>
      `• ${s.step.title}: ${s.status} (${s.resolved} of ${s.of})${s.step.dueAt ? `, due ${formatTime(s.step.dueAt, zone)}` : ''}`,
  );
  const notice: ChannelNotice = {
    key,
    kind: 'progress',
    text: [`Progress on ${state.id} (${request.cause}): ${progress.line}`, ...stepLines].join('\n'),
    mention: [],
  };
  state = appendDecisionEvent<ProgressPayload>(ctx, state, LivingEvents.progressRecorded, 'system', {
    key,
    cause: request.cause,
    line: progress.line,
    counts: progress.counts,
    total: progress.total,
    steps: progress.steps.map((s) => ({
      title: s.step.title,
      kind: s.step.kind,
      status: s.status,
      resolved: s.resolved,
      of: s.of,
      ...(s.step.dueAt ? { dueAt: s.step.dueAt } : {}),
    })),
    assets: progress.assets.map((a) => ({ assetName: a.assetName, status: a.status, exposure: a.exposure })),
    closes: progress.closes,
    snapshot: reassessed.snapshot,
    notice,
  });
  if (!progress.closes) return { result: 'progress', summary: progress.line };
  const closeKey = `closed:${state.id}`;
  appendDecisionEvent<ClosedPayload>(ctx, state, LivingEvents.closed, 'system', {
    key: closeKey,
    line: progress.line,
    notice: {
      key: closeKey,
      kind: 'closed',
      text: `${state.id} is closed: every asset is patched, mitigated or no longer affected (${progress.line}).`,
      mention: [],
    },
  });
  return { result: 'closed', summary: progress.line };
}

/**
 * The affected assets since the call: today's list and those an earlier progress report counted, so an asset
 * patched before the facts changed (and gone from the new assessment) still counts as patched.
 */
function assetsSoFar(state: DecisionState): AssetLine[] {
  const names = new Set(state.assets.map((a) => a.name));
  const earlier = (livingOf(state).progress?.assets ?? [])
    .filter((a) => !names.has(a.assetName))
    .map((a): AssetLine => ({
      assetId: '',
      name: a.assetName,
      urgency: 'defer',
      exposure: 'unknown',
      publiclyExposed: false,
      reach: '',
    }));
  return [...state.assets, ...earlier];
}
