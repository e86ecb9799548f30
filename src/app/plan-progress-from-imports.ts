/**
 * Closing the loop after the call: what later imports show (fixes installed, ports closed, a firewall change) is
 * matched against the plan (`planProgress`), recorded as `decision.progress-recorded` with the progress line for
 * the channel, and the decision closes itself (`decision.closed`) once every asset is patched, mitigated or no
 * longer affected. A plan step or a provider past its deadline and not done is escalated (`decision.escalated`),
 * once per step and deadline.
 */
import { createHash } from 'node:crypto';
import { formatTime } from '../common/time-format';
import type { AssetExposure } from '../exposure/model';
import type { AssetMatch } from '../inventory/model';
import type { AssetLine, DecisionSnapshot, DecisionState, ChannelNotice } from '../decisions/decision-model';
import {
  LivingEvents,
  latestAnswer,
  livingOf,
  type ClosedPayload,
  type EscalatedPayload,
  type ProgressPayload,
} from '../decisions/living-decision';
import { planProgress, type CurrentAssetStatus } from '../decisions/plan-progress';
import type { Assessment, PlanStepKind } from '../risk/model';
import { writeTransaction } from '../store/write-transaction';
import type { AppContext } from './app-context';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { displayTimeZone } from './display-zone';

/** A bulletin assessed again on today's inputs, with its matches, exposures and the inputs' snapshot. */
export interface Reassessed {
  assessment: Assessment;
  matches: AssetMatch[];
  exposures: AssetExposure[];
  snapshot: DecisionSnapshot;
}

/** Steps that are work to be done by a deadline (a review date or "find out" is not escalated). */
const ESCALATED_KINDS: PlanStepKind[] = ['patch-now', 'patch-wave', 'mitigate', 'ask-provider'];

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

/**
 * Escalates every plan step (a provider request included) of a decided, open-ended decision whose deadline has
 * passed and that is not done: once per step and deadline. Returns the decisions escalated now.
 */
export function escalateOverdue(ctx: AppContext): string[] {
  const escalated: string[] = [];
  const now = ctx.clock().getTime();
  const zone = displayTimeZone(ctx);
  for (const listed of listDecisions(ctx)) {
    if (listed.status !== 'decided' || !listed.assessment || listed.living?.closed) continue;
    const done = new Set((listed.living?.progress?.steps ?? []).filter((s) => s.status === 'done').map((s) => s.title));
    const overdue = listed.assessment.plan.filter(
      (step) =>
        ESCALATED_KINDS.includes(step.kind) &&
        step.dueAt !== undefined &&
        Date.parse(step.dueAt) < now &&
        !done.has(step.title) &&
        !providerSaysPatched(listed, step.title),
    );
    if (!overdue.length) continue;
    writeTransaction(ctx.db, () => {
      let state = loadDecision(ctx, listed.id);
      for (const step of overdue) {
        const provider = step.kind === 'ask-provider';
        const key = `escalate:${state.id}:${provider ? 'provider' : 'step'}:${step.title}:${step.dueAt}`;
        if (state.keys.includes(key)) continue;
        const to = [...new Set([...state.members.owner, ...state.members.delegate])];
        const what = provider ? `the provider request "${step.title}"` : `the step "${step.title}"`;
        state = appendDecisionEvent<EscalatedPayload>(ctx, state, LivingEvents.escalated, 'system', {
          key,
          reason: provider ? 'provider-overdue' : 'step-overdue',
          subject: step.title,
          dueAt: step.dueAt!,
          to,
          notice: {
            key,
            kind: 'escalation',
            text: `Overdue on ${state.id}: ${what} was due ${formatTime(step.dueAt!, zone)} and is not done (${step.assets.join(', ')}). Escalated to the decision owner and the delegate.`,
            mention: to,
          },
        });
        if (!escalated.includes(state.id)) escalated.push(state.id);
      }
    });
  }
  return escalated;
}

function providerSaysPatched(state: DecisionState, stepTitle: string): boolean {
  const request = livingOf(state).providers.find((r) => r.step === stepTitle);
  return request !== undefined && latestAnswer(request)?.status === 'patched';
}
