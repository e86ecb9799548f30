/**
 * Convening a decision: the assessment, each role's members and the channel name are appended to the log in one
 * `decision.convened` event; the Slack outbox then creates the channel, sets the topic, invites and posts the card.
 * Convening itself never calls Slack except to refresh the user-group cache, and it runs after the ack.
 */
import { writeTransaction } from '../store/write-transaction';
import { committed } from './replica-write';
import type { AssetExposure } from '../exposure/model';
import type { Assessment } from '../risk/model';
import { briefBulletin, assetLines } from '../decisions/decision-brief';
import { DecisionEvents, type ConvenedPayload, type DecisionState } from '../decisions/decision-model';
import { firstChannelName } from '../decisions/slack-effects';
import type { AppContext } from './app-context';
import { loadBulletin } from './bulletin-queries';
import { appendDecisionEvent, listDecisions, loadDecision } from './decision-log';
import { takeSnapshot } from './decision-snapshot';
import { bulletinExposure } from './exposure-queries';
import { matchBulletinAssets } from './asset-queries';
import { recordPeopleNames } from './name-people';
import { importDocuments, SOURCE_IMPORTED, type ImportOutcome, type SourceImportedPayload } from './import-documents';
import type { HandwrittenBulletin } from '../bulletins/parsers/handwritten';
import type { RoleMembership } from './role-membership';

/** The risk assessment a decision is convened on (src/app/assess-bulletin.ts in production). */
export type AssessFn = (
  ctx: AppContext,
  bulletinId: string,
  now: Date,
  options?: { deadlineAnchor?: string },
) => Promise<Assessment>;

export interface ConveneRequest {
  bulletinId: string;
  actor: string;
  trigger: ConvenedPayload['trigger'];
  now: Date;
  assess: AssessFn;
}

export type ConveneResult = { status: 'convened' | 'already-convened'; state: DecisionState };

export async function conveneDecision(
  ctx: AppContext,
  membership: RoleMembership,
  request: ConveneRequest,
): Promise<ConveneResult> {
  const bulletin = loadBulletin(ctx, request.bulletinId);
  const existing = loadDecision(ctx, bulletin.id);
  if (existing.status !== 'new') {
    // Slack refused a step for good earlier: asking again is the way to try again (after fixing the cause)
    if (Object.keys(existing.failed).length)
      return {
        status: 'convened',
        state: await committed(ctx, () =>
          appendDecisionEvent(ctx, loadDecision(ctx, bulletin.id), DecisionEvents.effectsRetried, request.actor, {}),
        ),
      };
    return { status: 'already-convened', state: existing };
  }

  const assessment = await request.assess(ctx, bulletin.id, request.now);
  const exposures = bulletinExposure(ctx, bulletin.id).assets.flatMap((a): AssetExposure[] =>
    a.exposure ? [a.exposure] : [],
  );
  await membership.refresh();
  // the check and the append run in one transaction: of two concurrent opens (even in two processes) one convenes
  return committed(ctx, () =>
    writeTransaction(ctx.db, (): ConveneResult => {
      const state = loadDecision(ctx, bulletin.id);
      if (state.status !== 'new') return { status: 'already-convened', state };
      const payload: ConvenedPayload = {
        decisionId: bulletin.id,
        bulletinId: bulletin.id,
        channelName: firstChannelName(bulletin.id, channelNamesInUse(ctx)),
        bulletin: briefBulletin(bulletin),
        bulletinAsKnown: bulletin,
        assessment,
        assets: assetLines(assessment, exposures),
        exposures,
        members: membership.current(),
        roles: membership.roles(),
        snapshot: takeSnapshot(ctx, bulletin, assessment.rulebookDigest),
        trigger: request.trigger,
      };
      const convened = appendDecisionEvent(ctx, state, DecisionEvents.convened, request.actor, payload);
      return { status: 'convened', state: recordPeopleNames(ctx, convened) };
    }),
  );
}

/**
 * Waits (after the ack) until the outbox has posted the card or Slack refused a step, so the person who convened
 * hears where the decision is and whom Slack would not invite. Resolves with the state as it stands at the end.
 */
export async function convenedOutcome(
  ctx: AppContext,
  decisionId: string,
  options: { until: 'channel' | 'card'; timeoutMs?: number },
): Promise<DecisionState> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const state = loadDecision(ctx, decisionId);
    const failed = Object.keys(state.failed).length > 0;
    const done = options.until === 'card' ? state.cardTs !== undefined : state.channel !== undefined;
    if (done || failed || Date.now() >= deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Out-of-cycle and affecting at least one asset: what makes an arriving bulletin convene by itself. */
function shouldConveneOnArrival(ctx: AppContext, bulletinId: string): boolean {
  const bulletin = loadBulletin(ctx, bulletinId);
  return (
    bulletin.cycle.status === 'out-of-cycle' &&
    matchBulletinAssets(ctx, bulletin.id).some((m) => m.status === 'affected')
  );
}

/**
 * Convenes every newly imported bulletin that should convene by itself (through ingest or `/patch new`).
 * Resolves to the names of the channels convened now (the outbox creates them).
 */
export async function conveneArrivals(
  ctx: AppContext,
  membership: RoleMembership,
  arrival: {
    outcomes: ImportOutcome[];
    actor: string;
    trigger: 'import' | 'new-bulletin';
    now: Date;
    assess: AssessFn;
  },
): Promise<string[]> {
  const convened: string[] = [];
  for (const id of importedAdvisories(ctx, arrival.outcomes)) {
    if (!shouldConveneOnArrival(ctx, id)) continue;
    const result = await conveneDecision(ctx, membership, {
      bulletinId: id,
      actor: arrival.actor,
      trigger: arrival.trigger,
      now: arrival.now,
      assess: arrival.assess,
    });
    if (result.status === 'convened') convened.push(result.state.channelName!);
  }
  return convened;
}

/**
 * `/patch new`: the hand-written bulletin is imported like any file (one `source.imported` event, actor = the
 * person), then convened when it should convene by itself. Resolves to the names of the channels convened.
 */
export async function importNewBulletin(
  ctx: AppContext,
  membership: RoleMembership,
  request: { bulletin: HandwrittenBulletin; userId: string; now: Date; assess: AssessFn },
): Promise<string[]> {
  const json = JSON.stringify(request.bulletin, null, 2);
  const outcomes = await committed(ctx, () =>
    importDocuments(
      ctx,
      [
        {
          doc: { name: `/patch new by ${request.userId}`, text: json, json: request.bulletin },
          bytes: Buffer.from(json),
        },
      ],
      { actor: request.userId },
    ),
  );
  return conveneArrivals(ctx, membership, {
    outcomes,
    actor: request.userId,
    trigger: 'new-bulletin',
    now: request.now,
    assess: request.assess,
  });
}

/** The advisory ids the imported (not unchanged) bulletin documents hold, each once. */
function importedAdvisories(ctx: AppContext, outcomes: ImportOutcome[]): Set<string> {
  const ids = outcomes
    .filter((o) => o.status === 'imported' && o.kind === 'bulletins')
    .flatMap((o) => {
      const event = ctx.events.first<SourceImportedPayload>({ afterSeq: o.eventSeq - 1, type: SOURCE_IMPORTED });
      return event?.seq === o.eventSeq && event.payload.batch.kind === 'bulletins'
        ? event.payload.batch.advisories.map((a) => a.id)
        : [];
    });
  return new Set(ids);
}

function channelNamesInUse(ctx: AppContext): Set<string> {
  return new Set(
    listDecisions(ctx).flatMap((d) => [d.channelName, d.channel?.name].filter((n): n is string => n !== undefined)),
  );
}
