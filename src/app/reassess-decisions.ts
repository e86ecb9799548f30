/**
 * After new data (an import of any kind, an edited rulebook), every open or decided decision whose inputs moved is
 * assessed again through the application's own assessment, and compared with what the decision shows. A change of
 * the facts is appended as `decision.facts-changed` (before → after with the deciding facts, keyed so the same
 * change is never recorded twice) with a notice for the channel; after the call the owner is asked to confirm or
 * revise it. What only shows the plan being carried out (fixes installed, exposure brought down) is progress
 * (./plan-progress-from-imports.ts), not a change of facts. Nothing changes silently, and a decision whose inputs
 * did not move is not touched.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { MatchStatus } from '../inventory/model';
import { assetLines } from '../decisions/decision-brief';
import type { DecisionSnapshot, DecisionState, ChannelNotice } from '../decisions/decision-model';
import { LivingEvents, type FactsChangedPayload, type ReassessedPayload } from '../decisions/living-decision';
import {
  assessmentChanges,
  type AssessedBulletin,
  type AssessmentChanges,
  type AssetChange,
  type FieldChange,
} from '../risk/assessment-changes';
import type { Assessment } from '../risk/model';
import { writeTransaction } from '../store/write-transaction';
import { committed } from './replica-write';
import type { AppContext } from './app-context';
import type { ImportOutcome } from './import-documents';
import { assetMatches } from './asset-queries';
import { loadBulletin } from './bulletin-queries';
import type { AssessFn } from './convene-decision';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { takeSnapshot } from './decision-snapshot';
import { exposureOfMatches } from './exposure-queries';
import { recordProgress, type Reassessed } from './plan-progress-from-imports';
import { listedChanges } from '../decisions/listed-changes';
import { ReassessInputs, sourceSeqs } from './reassess-inputs';

export interface ReassessRequest {
  actor: string;
  /** What brought new data, in words for the channel: "import of kev.json (bulletins)". */
  cause: string;
  /** Filters and firewall changes name what brought the exposure down in the progress line. */
  mitigatedBy?: string;
}

export interface ReassessOutcome {
  decisionId: string;
  /** `unaffected`: its inputs did not move; `unchanged`: re-assessed, same facts. */
  result: 'unaffected' | 'unchanged' | 'facts-changed' | 'progress' | 'closed';
  summary?: string;
}

export interface ReassessReport {
  outcomes: ReassessOutcome[];
  /** Milliseconds spent assessing again (the rest is reading digests and appending). */
  assessMs: number;
  /** Decisions that got new events: nudge the outbox for them. */
  touched: string[];
}

const MATCH_KEPT: MatchStatus[] = ['affected', 'unknown'];

/** What an import brought, as the cause the channel reads; undefined when nothing new was stored. */
export function importCause(outcomes: ImportOutcome[]): Omit<ReassessRequest, 'actor'> | undefined {
  const imported = outcomes.filter((o) => o.status === 'imported');
  if (!imported.length) return undefined;
  // the file's name only: a local path says nothing to the channel
  const names = imported.map((o) => `${basename(o.document)} (${o.format})`);
  const firewall = imported.some((o) => o.kind === 'filters' || o.kind === 'network');
  return {
    cause: `import of ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`,
    ...(firewall ? { mitigatedBy: 'the firewall change' } : {}),
  };
}

export async function reassessDecisions(
  ctx: AppContext,
  assess: AssessFn,
  request: ReassessRequest,
): Promise<ReassessReport> {
  const open = listDecisions(ctx).filter((d) => d.status !== 'new' && d.assessment && !d.living?.closed);
  // the inventory is read once per run, and only when some decision may need it
  const inputs = open.length ? new ReassessInputs(ctx) : undefined;
  const outcomes: ReassessOutcome[] = [];
  const touched = new Set<string>();
  let assessMs = 0;
  for (const listed of open) {
    const started = performance.now();
    const { outcome, assessed } = await reassessDecision(ctx, assess, listed, request, inputs);
    if (assessed) assessMs += performance.now() - started;
    if (outcome.result !== 'unchanged' && outcome.result !== 'unaffected') touched.add(listed.id);
    outcomes.push(outcome);
  }
  return { outcomes, assessMs, touched: [...touched] };
}

/**
 * One decision against today's inputs: left alone when its logged inputs fingerprint is today's; otherwise assessed
 * again, and the change of facts, the progress or (when neither) the new fingerprint is appended. `inputs` is what
 * a run shares between decisions; without it the decision reads its own (the same events either way).
 */
export async function reassessDecision(
  ctx: AppContext,
  assess: AssessFn,
  listed: DecisionState,
  request: ReassessRequest,
  inputs: ReassessInputs = new ReassessInputs(ctx),
): Promise<{ outcome: ReassessOutcome; assessed: boolean }> {
  const bulletin = loadBulletin(ctx, listed.bulletinId);
  const fingerprint = inputs.fingerprint(bulletin);
  const basis = basisOf(listed);
  if (basis?.inputsFingerprint === fingerprint)
    return { outcome: { decisionId: listed.id, result: 'unaffected' }, assessed: false };
  if (basis && basis.inputsFingerprint === undefined && !legacyInputsMoved(ctx, basis, bulletin, inputs)) {
    // logged before fingerprints were: the whole-inventory digests show nothing moved, so today's fingerprint is its own
    await committed(ctx, () =>
      writeTransaction(ctx.db, () => {
        const state = loadDecision(ctx, listed.id);
        appendDecisionEvent<ReassessedPayload>(ctx, state, LivingEvents.reassessed, 'system', {
          key: `reassessed:${listed.id}:${fingerprint}`,
          cause: request.cause,
          snapshot: { ...basis, inputsFingerprint: fingerprint },
        });
      }),
    );
    return { outcome: { decisionId: listed.id, result: 'unaffected' }, assessed: false };
  }
  const reassessed = await assessAgain(ctx, assess, listed, inputs, fingerprint);
  const outcome = await committed(ctx, () =>
    writeTransaction(ctx.db, () => {
      const state = loadDecision(ctx, listed.id);
      const result = record(ctx, state, reassessed, request);
      const after = loadDecision(ctx, listed.id);
      const key = `reassessed:${listed.id}:${fingerprint}`;
      if (basisOf(after)?.inputsFingerprint !== fingerprint && !after.keys.includes(key))
        appendDecisionEvent<ReassessedPayload>(ctx, after, LivingEvents.reassessed, 'system', {
          key,
          cause: request.cause,
          snapshot: reassessed.snapshot,
        });
      return result;
    }),
  );
  return { outcome, assessed: true };
}

function legacyInputsMoved(
  ctx: AppContext,
  basis: DecisionSnapshot,
  bulletin: Bulletin,
  inputs: ReassessInputs,
): boolean {
  return (
    basis.exposureInputsHash !== inputs.exposureInputsHash ||
    (basis.rulesDigest ?? basis.rulebookHash) !== inputs.rules.digest ||
    sourceSeqs(bulletin).join(',') !== basis.bulletinSourceSeqs.join(',') ||
    basis.inventoryHash !== inputs.inventoryHash
  );
}

function basisOf(state: DecisionState): DecisionSnapshot | undefined {
  return state.living?.basis ?? state.call?.snapshot ?? state.snapshot;
}

async function assessAgain(
  ctx: AppContext,
  assess: AssessFn,
  state: DecisionState,
  inputs: ReassessInputs,
  fingerprint: string,
): Promise<Reassessed> {
  // what the run already read and matched: the assessment and the snapshot share one match and one exposure
  const shared = inputs.context();
  // deadlines stay counted from the convening (the first assessment): new facts never open a fresh window
  const assessment = await assess(shared, state.bulletinId, ctx.clock(), {
    ...(state.convenedAt ? { deadlineAnchor: state.convenedAt } : {}),
  });
  const bulletin = loadBulletin(ctx, state.bulletinId);
  const matches = assetMatches(shared, bulletin, inputs.rules);
  const report = exposureOfMatches(shared, bulletin, matches, { rules: inputs.rules });
  const exposures = report.assets.flatMap((a): AssetExposure[] => (a.exposure ? [a.exposure] : []));
  const snapshot = takeSnapshot(ctx, bulletin, assessment.rulebookDigest, {
    inventoryHash: inputs.inventoryHash,
    exposureInputsHash: inputs.exposureInputsHash,
    inputsFingerprint: fingerprint,
  });
  return { assessment, matches, exposures, snapshot };
}

function record(
  ctx: AppContext,
  state: DecisionState,
  reassessed: Reassessed,
  request: ReassessRequest,
): ReassessOutcome {
  const before = sideOf(state.assessment!, state.exposures, reassessed);
  const knownBefore = new Set(before.matches!.map((m) => m.assetId));
  const after: AssessedBulletin = {
    assessment: reassessed.assessment,
    matches: reassessed.matches
      .filter((m) => MATCH_KEPT.includes(m.status) || knownBefore.has(m.asset.id))
      .map((m) => ({ assetId: m.asset.id, assetName: m.asset.name, status: m.status, reasons: m.reasons })),
    exposures: reassessed.exposures,
  };
  const changes = assessmentChanges(before, after);
  const afterCall = state.status === 'decided';
  const changed = factChanges(changes, afterCall);
  let outcome: ReassessOutcome = { decisionId: state.id, result: 'unchanged' };
  if (changed) {
    const key = `facts:${state.id}:${digestOf(changed)}`;
    if (!state.keys.includes(key)) {
      state = appendDecisionEvent<FactsChangedPayload>(ctx, state, LivingEvents.factsChanged, 'system', {
        key,
        cause: request.cause,
        ...listedChanges(changed),
        assessment: reassessed.assessment,
        assets: assetLines(reassessed.assessment, reassessed.exposures),
        exposures: reassessed.exposures,
        snapshot: reassessed.snapshot,
        afterCall,
        notice: factsNotice(state, key, changed, request.cause, afterCall),
      });
      outcome = { decisionId: state.id, result: 'facts-changed', summary: changed.summary };
    }
  }
  if (afterCall) {
    const progress = recordProgress(ctx, state, reassessed, request);
    if (progress && outcome.result === 'unchanged') outcome = { decisionId: state.id, ...progress };
  }
  return outcome;
}

/**
 * The earlier assessment as a side of the comparison. The convened payload keeps no matches, so they are rebuilt
 * from it: its verdicts are the affected assets and its summary names the unknown ones (by name; their ids are
 * taken from today's matches where the names agree).
 */
function sideOf(assessment: Assessment, exposures: AssetExposure[], now: Reassessed): AssessedBulletin {
  const idOf = new Map(now.matches.map((m) => [m.asset.name, m.asset.id]));
  return {
    assessment,
    exposures,
    matches: [
      ...assessment.verdicts.map((v) => ({
        assetId: v.assetId,
        assetName: v.assetName,
        status: 'affected' as const,
        reasons: [],
      })),
      ...(assessment.summary.unknown?.assets ?? []).map((a) => ({
        assetId: idOf.get(a.name) ?? `name:${a.name}`,
        assetName: a.name,
        status: 'unknown' as const,
        reasons: [a.why],
      })),
    ],
  };
}

/** Facts that move with the clock alone: a later assessment always differs in them. */
const TIME_FACTS = ['hoursSinceFix'];

/**
 * What the decision must hear about. Time passing alone is not news: an assessment made later counts a relative
 * deadline ("Immediate: 24 h") from a later moment, so a deadline moving later with the same urgency is dropped
 * (an earlier one, as a KEV due date brings, stays). After the call, the plan being carried out (a fix installed,
 * the asset out of scope, exposure brought down) is progress, not a change of facts; a change of the overall
 * urgency or call that comes with it is the plan's own progress showing, unless it is for the worse.
 */
export function factChanges(changes: AssessmentChanges, afterCall: boolean): AssessmentChanges | undefined {
  if (changes.unchanged) return undefined;
  const drift = (all: FieldChange[]) => (c: FieldChange) =>
    c.field === 'deadline' && c.direction === 'better' && !all.some((u) => u.field === 'urgency');
  const timely = changes.assets
    .map((a) => ({
      ...a,
      changes: a.changes.filter((c) => !drift(a.changes)(c)),
      decidingFacts: a.decidingFacts.filter((f) => !TIME_FACTS.includes(f.fact)),
    }))
    .filter((a) => a.changes.length > 0);
  const isProgress = (asset: AssetChange) =>
    afterCall &&
    (['patched', 'not_affected', 'retired'].includes(asset.after.match) ||
      (asset.changes.every((c) => c.field === 'exposure' || c.field === 'plan step') &&
        asset.changes.some((c) => c.field === 'exposure' && c.direction === 'better')));
  const progressed = timely.some(isProgress);
  const assets = timely.filter(
    (a) => !isProgress(a) && (!progressed || a.changes.some((c) => c.field !== 'plan step')),
  );
  const overall = changes.overall
    .filter((c) => !drift(changes.overall)(c))
    .filter((c) => !progressed || c.direction === 'worse');
  if (!assets.length && !overall.length) return undefined;
  return { ...changes, assets, overall, summary: summaryOf(assets, overall) };
}

/** The summary line over the changes kept, with the facts that decided each (the pure core's words). */
function summaryOf(assets: AssetChange[], overall: FieldChange[]): string {
  const shown = assets.slice(0, 3).map((a) => {
    const facts = a.decidingFacts
      .filter((f) => f.fact !== 'match' && f.fact !== 'exposure')
      .map((f) => `${f.fact}: ${f.before ?? '–'} → ${f.after ?? '–'}`);
    return `${a.assetName} ${a.changes.map(describe).join(', ')}${facts.length ? ` (${facts.join('; ')})` : ''}${a.after.match === 'unknown' ? ' — unknown, not safe' : ''}`;
  });
  const parts = [
    ...(overall.length ? [`overall ${overall.map(describe).join(', ')}`] : []),
    ...(assets.length
      ? [
          `${assets.length} asset${assets.length === 1 ? '' : 's'} changed: ${shown.join('; ')}${assets.length > 3 ? `; and ${assets.length - 3} more` : ''}`,
        ]
      : []),
  ];
  return parts.join('; ');
}

function describe(change: { field: string; before?: string; after?: string }): string {
  return `${change.field} ${change.before ?? '–'} → ${change.after ?? '–'}`;
}

function factsNotice(
  state: DecisionState,
  key: string,
  changes: AssessmentChanges,
  cause: string,
  afterCall: boolean,
): ChannelNotice {
  const deciding = [
    ...changes.decidingFacts,
    ...changes.assets.flatMap((a) => a.decidingFacts.map((f) => ({ ...f, fact: `${a.assetName}: ${f.fact}` }))),
  ]
    .slice(0, 6)
    .map((f) => `• ${f.fact}: ${f.before ?? '–'} → ${f.after ?? '–'} (${f.source})`);
  const ask = afterCall
    ? 'The call was made on the earlier facts: please confirm it or revise it (the card has both buttons).'
    : 'The card now shows the new assessment.';
  const owners = afterCall ? [...new Set([...state.members.owner, ...state.members.delegate])] : [];
  return {
    key,
    kind: 'facts-changed',
    text: [`Facts changed on ${state.id} (${cause}): ${changes.summary}`, ...deciding, ask].join('\n'),
    mention: owners,
  };
}

function digestOf(changes: AssessmentChanges): string {
  const essence = {
    overall: changes.overall,
    assets: changes.assets.map((a) => ({ id: a.assetId, changes: a.changes })),
    rules: changes.decidingFacts,
  };
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex').slice(0, 16);
}
