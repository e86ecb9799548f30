/**
 * Convening a decision: a channel named from the bulletin, the topic with the deadline, every role's members
 * invited, the card posted. Each step that changes the decision is appended to its stream before anyone is told,
 * and a half-done convening (the card failed to post) resumes where it stopped on the next `/patch open`.
 */
import { PatchcallError } from '../common/errors';
import type { AssetExposure } from '../exposure/model';
import type { Assessment } from '../risk/model';
import { briefBulletin, assetLines } from '../decisions/decision-brief';
import { channelNameFor } from '../decisions/channel-name';
import {
  DecisionEvents,
  type CardPostedPayload,
  type ConvenedPayload,
  type DecisionState,
} from '../decisions/decision-model';
import { everyone, resolveMembers } from '../decisions/apply-roster-event';
import type { AppContext } from './app-context';
import { loadBulletin } from './bulletin-queries';
import { appendDecisionEvent, loadDecision, recordedChannels } from './decision-log';
import { takeSnapshot } from './decision-snapshot';
import { bulletinExposure } from './exposure-queries';
import { readRoster } from './roles-roster';
import { matchBulletinAssets } from './asset-queries';
import { formatTime } from '../common/time-format';
import { displayTimeZone } from './display-zone';
import { recordPeopleNames } from './name-people';
import { importDocuments, SOURCE_IMPORTED, type ImportOutcome, type SourceImportedPayload } from './import-documents';
import type { HandwrittenBulletin } from '../bulletins/parsers/handwritten';

/** The risk assessment a decision is convened on (src/app/assess-bulletin.ts in production). */
export type AssessFn = (ctx: AppContext, bulletinId: string, now: Date) => Promise<Assessment>;

/** The Slack calls convening needs, as a port: the Slack gateway implements it. */
export interface ConveneGateway {
  resolveGroups(groupIds: string[]): Promise<Record<string, string[]>>;
  /** Creates a public channel; `name_taken` comes back as a value, other failures throw. */
  createChannel(name: string): Promise<{ ok: true; id: string; name: string } | { ok: false; error: 'name_taken' }>;
  setTopic(channel: string, topic: string): Promise<void>;
  invite(channel: string, users: string[]): Promise<string[]>;
  postCard(state: DecisionState): Promise<string>;
}

export interface ConveneRequest {
  bulletinId: string;
  actor: string;
  trigger: ConvenedPayload['trigger'];
  now: Date;
  assess: AssessFn;
}

export type ConveneResult = { status: 'convened' | 'already-convened'; state: DecisionState };

const MAX_CHANNEL_ATTEMPTS = 20;
const TOPIC_MAX = 250;

export async function conveneDecision(
  ctx: AppContext,
  gateway: ConveneGateway,
  request: ConveneRequest,
): Promise<ConveneResult> {
  const bulletin = loadBulletin(ctx, request.bulletinId);
  let state = loadDecision(ctx, bulletin.id);
  if (state.cardTs) return { status: 'already-convened', state };

  if (!state.channel) {
    const assessment = await request.assess(ctx, bulletin.id, request.now);
    const exposures = bulletinExposure(ctx, bulletin.id).assets.flatMap((a): AssetExposure[] =>
      a.exposure ? [a.exposure] : [],
    );
    const roster = readRoster(ctx);
    const groupIds = [...new Set(Object.values(roster.roles).flatMap((r) => r.groups))];
    const members = resolveMembers(roster.roles, groupIds.length ? await gateway.resolveGroups(groupIds) : {});
    const channel = await openChannel(ctx, gateway, bulletin.id);
    // another request may have convened while this one waited on Slack: the log decides who was first
    state = loadDecision(ctx, bulletin.id);
    if (state.channel) return { status: state.cardTs ? 'already-convened' : 'convened', state };
    const payload: ConvenedPayload = {
      decisionId: bulletin.id,
      bulletinId: bulletin.id,
      channel,
      bulletin: briefBulletin(bulletin),
      bulletinAsKnown: bulletin,
      assessment,
      assets: assetLines(assessment, exposures),
      exposures,
      members,
      roles: roster.roles,
      snapshot: takeSnapshot(ctx, bulletin, assessment.rulebookDigest),
      trigger: request.trigger,
    };
    state = appendDecisionEvent(ctx, state, DecisionEvents.convened, request.actor, payload);
    state = recordPeopleNames(ctx, state);
  }

  const channel = state.channel!;
  const topic = topicFor(state, displayTimeZone(ctx));
  await gateway.setTopic(channel.id, topic);
  const invited = await gateway.invite(channel.id, everyone(state.members));
  const ts = await gateway.postCard(state);
  state = appendDecisionEvent<CardPostedPayload>(ctx, state, DecisionEvents.cardPosted, request.actor, {
    channel: channel.id,
    ts,
    topic,
    invited,
  });
  return { status: 'convened', state };
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
 * Resolves to the names of the channels convened now.
 */
export async function conveneArrivals(
  ctx: AppContext,
  gateway: ConveneGateway,
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
    const result = await conveneDecision(ctx, gateway, {
      bulletinId: id,
      actor: arrival.actor,
      trigger: arrival.trigger,
      now: arrival.now,
      assess: arrival.assess,
    });
    if (result.status === 'convened') convened.push(result.state.channel!.name);
  }
  return convened;
}

/**
 * `/patch new`: the hand-written bulletin is imported like any file (one `source.imported` event, actor = the
 * person), then convened when it should convene by itself. Resolves to the names of the channels convened.
 */
export async function importNewBulletin(
  ctx: AppContext,
  gateway: ConveneGateway,
  request: { bulletin: HandwrittenBulletin; userId: string; now: Date; assess: AssessFn },
): Promise<string[]> {
  const json = JSON.stringify(request.bulletin, null, 2);
  const outcomes = importDocuments(
    ctx,
    [
      {
        doc: { name: `/patch new by ${request.userId}`, text: json, json: request.bulletin },
        bytes: Buffer.from(json),
      },
    ],
    { actor: request.userId },
  );
  return conveneArrivals(ctx, gateway, {
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

async function openChannel(
  ctx: AppContext,
  gateway: ConveneGateway,
  bulletinId: string,
): Promise<{ id: string; name: string }> {
  const ours = recordedChannels(ctx);
  for (let attempt = 1; attempt <= MAX_CHANNEL_ATTEMPTS; attempt++) {
    const name = channelNameFor(bulletinId, attempt);
    const created = await gateway.createChannel(name);
    if (created.ok) return { id: created.id, name: created.name };
    // a taken name is reused only when we recorded that channel for this same bulletin; anyone else's gets a suffix
    const recorded = ours.get(name);
    if (recorded?.bulletinId === bulletinId) return { id: recorded.id, name };
  }
  throw new PatchcallError(
    'CONFLICT',
    `no free channel name for ${bulletinId} after ${MAX_CHANNEL_ATTEMPTS} attempts: archive or rename the old patch-… channels`,
  );
}

/** The deadline in the organization's zone with UTC beside it, as on every other surface. */
export function topicFor(state: DecisionState, timeZone: string): string {
  const summary = state.assessment!.summary;
  const text = `${state.bulletinId}: recommended ${summary.urgency} (${summary.recommendedCall}), deadline ${formatTime(summary.deadline.dueAt, timeZone)}. ${state.bulletin!.title}`;
  return text.length <= TOPIC_MAX ? text : text.slice(0, TOPIC_MAX - 1) + '…';
}
