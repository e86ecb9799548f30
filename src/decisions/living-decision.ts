/**
 * A decision after its card: the facts changing under it, the plan's progress from later imports, provider
 * requests and their answers, escalations, and closing. Each is an event in the decision's stream; each that the
 * channel must hear of carries a notice, which the Slack outbox posts once (keyed) and records as posted.
 */
import type { AssetExposure } from '../exposure/model';
import type { AssessmentChanges } from '../risk/assessment-changes';
import type { Assessment } from '../risk/model';
import { withKey } from './decision-model';
import type {
  AssetLine,
  DecisionEvent,
  DecisionSnapshot,
  DecisionState,
  LivingState,
  ChannelNotice,
  ProgressRecord,
  ProviderRequestState,
  ProviderStatus,
} from './decision-model';

export const LivingEvents = {
  factsChanged: 'decision.facts-changed',
  callConfirmed: 'decision.call-confirmed',
  progressRecorded: 'decision.progress-recorded',
  escalated: 'decision.escalated',
  closed: 'decision.closed',
  providerRequested: 'decision.provider-requested',
  providerAnswered: 'decision.provider-answered',
  noticePosted: 'decision.notice-posted',
  reassessed: 'decision.reassessed',
} as const;

/** The inputs changed and the re-assessment differs: before → after, with the deciding facts. */
export interface FactsChangedPayload {
  /** `facts:<decision>:<digest of the change>`: the same change is never recorded twice. */
  key: string;
  /** What was imported or edited: "import of kev.json (kev)", "rules folder reloaded". */
  cause: string;
  /** `assets` lists the first changes only (worse first): a scan of 100,000 hosts changes every one of them. */
  changes: AssessmentChanges;
  /**
   * The asset changes `changes.assets` leaves out, counted by the match they have now (so how many became unknown,
   * never safe, is always said; why each is unknown stays in `assessment.summary.unknown`). Absent when every change
   * is listed, as in every event logged before the bound. The key, the summary and the notice cover every change.
   */
  changesNotListed?: { count: number; byMatch: Record<string, number> };
  /** The new assessment, assets and exposures: the card shows them from now on. */
  assessment: Assessment;
  assets: AssetLine[];
  exposures: AssetExposure[];
  snapshot: DecisionSnapshot;
  /** Whether a call had been made, so the owner is asked to confirm or revise it. */
  afterCall: boolean;
  notice: ChannelNotice;
}

export interface CallConfirmedPayload {
  userId: string;
  /** The facts-changed event's key the confirmation answers. */
  confirms: string;
  key: string;
  notice: ChannelNotice;
}

export interface ProgressPayload {
  key: string;
  cause: string;
  line: string;
  counts: ProgressRecord['counts'];
  total: number;
  steps: ProgressRecord['steps'];
  assets: ProgressRecord['assets'];
  closes: boolean;
  snapshot: DecisionSnapshot;
  notice: ChannelNotice;
}

export interface EscalatedPayload {
  /** `escalate:<decision>:step:<title>:<dueAt>` or `escalate:<decision>:provider:<provider>:<dueAt>`. */
  key: string;
  reason: 'step-overdue' | 'provider-overdue';
  subject: string;
  dueAt: string;
  to: string[];
  notice: ChannelNotice;
}

export interface ClosedPayload {
  key: string;
  line: string;
  notice: ChannelNotice;
}

export interface ProviderRequestedPayload {
  key: string;
  provider: string;
  step: string;
  assets: string[];
  dueAt?: string;
  text: string;
  notice: ChannelNotice;
}

export interface ProviderAnsweredPayload {
  userId: string;
  /** The provider as the request named it. */
  provider: string;
  status: ProviderStatus;
  note: string;
  key: string;
  notice: ChannelNotice;
}

export interface NoticePostedPayload {
  key: string;
  channel: string;
  ts: string;
}

/**
 * Assessed again on new inputs with the same facts: the snapshot (with its inputs fingerprint) is logged so no
 * process assesses the decision again until its inputs move.
 */
export interface ReassessedPayload {
  /** `reassessed:<decision>:<inputs fingerprint>`. */
  key: string;
  cause: string;
  snapshot: DecisionSnapshot;
}

export function emptyLiving(): LivingState {
  return { providers: [], escalations: [], notices: [], noticesPosted: [] };
}

export function livingOf(state: DecisionState): LivingState {
  return state.living ?? emptyLiving();
}

/** The fold of the living events; any other event leaves the state as it is. */
export function applyLivingEvent(state: DecisionState, event: DecisionEvent): DecisionState {
  const handler = Object.hasOwn(LIVING_HANDLERS, event.type) ? LIVING_HANDLERS[event.type] : undefined;
  return handler ? handler(state, event, livingOf(state)) : state;
}

type LivingHandler = (state: DecisionState, event: DecisionEvent, living: LivingState) => DecisionState;

const LIVING_HANDLERS: Record<string, LivingHandler> = {
  [LivingEvents.factsChanged]: factsChanged,
  [LivingEvents.callConfirmed]: callConfirmed,
  [LivingEvents.progressRecorded]: progressRecorded,
  [LivingEvents.escalated]: escalated,
  [LivingEvents.closed]: closed,
  [LivingEvents.providerRequested]: providerRequested,
  [LivingEvents.providerAnswered]: providerAnswered,
  [LivingEvents.noticePosted]: noticePosted,
  [LivingEvents.reassessed]: reassessed,
};

function noticed(living: LivingState, notice: ChannelNotice): LivingState {
  return living.notices.some((n) => n.key === notice.key)
    ? living
    : { ...living, notices: [...living.notices, notice] };
}

function factsChanged(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as FactsChangedPayload;
  const next: LivingState = {
    ...noticed(living, p.notice),
    basis: p.snapshot,
    ...(p.afterCall ? { factsChanged: { key: p.key, seq: event.seq, at: event.at, summary: p.changes.summary } } : {}),
  };
  return withKey(
    {
      ...state,
      assessment: p.assessment,
      assets: p.assets,
      exposures: p.exposures,
      cardVersion: event.seq,
      living: next,
    },
    p.key,
  );
}

function callConfirmed(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as CallConfirmedPayload;
  const { factsChanged, ...rest } = noticed(living, p.notice);
  const answered = factsChanged && factsChanged.key !== p.confirms ? { factsChanged } : {};
  return withKey({ ...state, cardVersion: event.seq, living: { ...rest, ...answered } }, p.key);
}

function progressRecorded(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as ProgressPayload;
  const { notice, snapshot, key, ...progress } = p;
  const next = { ...noticed(living, notice), basis: snapshot, progress: { ...progress, at: event.at } };
  return withKey({ ...state, cardVersion: event.seq, living: next }, key);
}

function escalated(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as EscalatedPayload;
  const escalations = [...living.escalations, { key: p.key, subject: p.subject, at: event.at }];
  return withKey({ ...state, living: { ...noticed(living, p.notice), escalations } }, p.key);
}

function closed(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as ClosedPayload;
  if (living.closed) return withKey(state, p.key);
  const next = { ...noticed(living, p.notice), closed: { at: event.at, line: p.line } };
  return withKey({ ...state, cardVersion: event.seq, living: next }, p.key);
}

function providerRequested(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as ProviderRequestedPayload;
  const request: ProviderRequestState = {
    provider: p.provider,
    step: p.step,
    assets: p.assets,
    ...(p.dueAt !== undefined ? { dueAt: p.dueAt } : {}),
    text: p.text,
    answers: [],
  };
  return withKey(
    { ...state, living: { ...noticed(living, p.notice), providers: [...living.providers, request] } },
    p.key,
  );
}

function providerAnswered(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as ProviderAnsweredPayload;
  const providers = living.providers.map((r) =>
    r.provider === p.provider
      ? { ...r, answers: [...r.answers, { userId: p.userId, status: p.status, note: p.note, at: event.at }] }
      : r,
  );
  return withKey({ ...state, cardVersion: event.seq, living: { ...noticed(living, p.notice), providers } }, p.key);
}

function reassessed(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as ReassessedPayload;
  return withKey({ ...state, living: { ...living, basis: p.snapshot } }, p.key);
}

function noticePosted(state: DecisionState, event: DecisionEvent, living: LivingState): DecisionState {
  const p = event.payload as NoticePostedPayload;
  if (living.noticesPosted.includes(p.key)) return state;
  return { ...state, living: { ...living, noticesPosted: [...living.noticesPosted, p.key] } };
}

/** The first notice the channel has not been given yet. */
export function nextChannelNotice(state: DecisionState): ChannelNotice | undefined {
  const living = state.living;
  return living?.notices.find((n) => !living.noticesPosted.includes(n.key));
}

/** A provider's latest answer, if any. */
export function latestAnswer(request: ProviderRequestState): ProviderRequestState['answers'][number] | undefined {
  return request.answers[request.answers.length - 1];
}

/** One sentence for the audit timeline: the notice the channel was given (its first line), or the posting itself. */
export function describeLivingEvent(type: string, payload: unknown): string | undefined {
  if (type === LivingEvents.noticePosted)
    return `posted a notice in the channel (${(payload as NoticePostedPayload).key})`;
  if (type === LivingEvents.reassessed)
    return `assessed again after ${(payload as ReassessedPayload).cause}: the facts did not change`;
  if (!(Object.values(LivingEvents) as string[]).includes(type)) return undefined;
  const notice = (payload as { notice?: ChannelNotice }).notice;
  return notice ? notice.text.split('\n')[0] : undefined;
}
