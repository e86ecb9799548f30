/**
 * The decision on one bulletin as data: who holds which role, the events a decision is made of, and the state
 * folded from them. Slack, the CLI and the audit record all read this one shape.
 */
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { Assessment, CallOutcome, Urgency } from '../risk/model';

/** The three roles that speak on the recommendation, and the two that may make the call. */
export type SpeakingRole = 'security' | 'network' | 'sysadmin';
export type Role = SpeakingRole | 'owner' | 'delegate';
export const SPEAKING_ROLES: SpeakingRole[] = ['security', 'network', 'sysadmin'];
export const ROLES: Role[] = ['security', 'network', 'sysadmin', 'owner', 'delegate'];

/** A role's members: Slack user ids (U…/W…) and user group ids (S…), resolved to members when convening. */
export interface RoleMembers {
  users: string[];
  groups: string[];
}

export type RoleMap = Record<Role, RoleMembers>;

export const USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const GROUP_ID = /^S[A-Z0-9]{2,}$/;

export type Stance = 'agree' | 'alternative' | 'more-info';
export const STANCES: Stance[] = ['agree', 'alternative', 'more-info'];

export const CALL_OUTCOMES: CallOutcome[] = [
  'patch-now',
  'waves',
  'mitigate-and-defer',
  'defer',
  'ask-provider',
  'establish',
];

/** The event types of a decision's stream (`decision:<id>`) and of the roster's (`roles`). */
export const DecisionEvents = {
  convened: 'decision.convened',
  cardPosted: 'decision.card-posted',
  positionRecorded: 'decision.position-recorded',
  /** A click by someone the cache does not place in a role: recorded before the ack, checked with Slack after. */
  positionPending: 'decision.position-pending',
  /** The call by someone the cache does not place as owner or delegate: recorded before the ack, checked after. */
  callPending: 'decision.call-pending',
  refused: 'decision.refused',
  called: 'decision.called',
  callPosted: 'decision.call-posted',
  exported: 'decision.exported',
  // the Slack outbox's record of what it did (src/decisions/slack-effects.ts derives what is still to do)
  channelNamed: 'decision.channel-named',
  channelCreated: 'decision.channel-created',
  topicSet: 'decision.topic-set',
  invited: 'decision.invited',
  effectAttempted: 'decision.effect-attempted',
  callPinned: 'decision.call-pinned',
  effectFailed: 'decision.effect-failed',
  effectsRetried: 'decision.effects-retried',
  peopleNamed: 'decision.people-named',
  reminderSent: 'decision.reminder-sent',
  defaultPathTaken: 'decision.default-path-taken',
} as const;

export const RosterEvents = {
  assigned: 'role.assigned',
  refused: 'role.refused',
} as const;

/** The state with an idempotency key remembered (once). */
export function withKey(state: DecisionState, key: string): DecisionState {
  return state.keys.includes(key) ? state : { ...state, keys: [...state.keys, key] };
}

export function decisionStream(decisionId: string): string {
  return `decision:${decisionId}`;
}

export const ROSTER_STREAM = 'roles';

/** The bulletin in the few facts the card shows, taken when convening so a replay shows the same card. */
export interface BulletinBrief {
  id: string;
  title: string;
  vendor?: string;
  releasedAt?: string;
  cycle: { status: 'out-of-cycle' | 'in-cycle' | 'unknown'; reason: string };
  cves: string[];
  fixIds: string[];
  restartRequired?: boolean;
  /** "active (Microsoft: exploited in targeted attacks)", or "no exploitation reported". */
  exploitation: string;
}

/** One affected asset as the card lists it. */
export interface AssetLine {
  assetId: string;
  name: string;
  urgency: Urgency;
  exposure: 'small' | 'controlled' | 'open' | 'unknown';
  publiclyExposed: boolean;
  /** "tcp/445 from internet, office" — where the vulnerable ports are reachable from. */
  reach: string;
  deadline?: string;
}

/** What the decision was made on: enough to tell later whether the inputs have changed since. */
export interface DecisionSnapshot {
  bulletinRevision?: string;
  /** Sequence numbers of the import events the bulletin was merged from. */
  bulletinSourceSeqs: number[];
  inventoryHash: string;
  exposureInputsHash: string;
  rulebookHash: string;
  /**
   * The digest of the whole rules folder (every file that can change a verdict, an exposure, a deadline or a
   * quorum) and each file's own digest. Absent in snapshots taken before the folder was digested as a whole.
   */
  rulesDigest?: string;
  rulesFiles?: { path: string; sha256: string }[];
  /** The last event in the log when the snapshot was taken. */
  logHeadSeq: number;
  /**
   * sha256 over this decision's own inputs (the bulletin as merged, the assets it can concern, exposure inputs,
   * rules; src/app/reassess-inputs.ts). Absent in snapshots taken before it was logged: such a decision is assessed
   * again once.
   */
  inputsFingerprint?: string;
}

export interface ConvenedPayload {
  decisionId: string;
  bulletinId: string;
  /** The channel name chosen before anything is created, so a retry finds the channel it made (outbox). */
  channelName?: string;
  /** Decisions convened before the outbox created their channel inside convening. */
  channel?: { id: string; name: string };
  bulletin: BulletinBrief;
  /** The merged bulletin as known at convening, each fact with its source: what the audit record shows. */
  bulletinAsKnown?: Bulletin;
  assessment: Assessment;
  assets: AssetLine[];
  /** The exposure of each affected asset with the deciding rules, as the stakeholders were shown it. */
  exposures: AssetExposure[];
  /** Each role's members at convene time, groups resolved to their members. */
  members: Record<Role, string[]>;
  roles: RoleMap;
  snapshot: DecisionSnapshot;
  trigger: 'command' | 'import' | 'new-bulletin';
}

export interface CardPostedPayload {
  channel: string;
  ts: string;
  /** Set by decisions convened before the outbox; later ones record them in topic-set and invited. */
  topic?: string;
  invited?: string[];
  /** The card was found in the channel's history after an unknown outcome, not posted again. */
  found?: boolean;
}

/** A further channel name, after Slack said the previous one is taken by a channel that is not ours. */
export interface ChannelNamedPayload {
  name: string;
}

export interface ChannelCreatedPayload {
  id: string;
  name: string;
  /** Found (by its name and creator) after an unknown outcome of conversations.create, not created again. */
  found?: boolean;
}

export interface TopicSetPayload {
  channel: string;
  topic: string;
}

/** Who is now in the channel because of us, and whom Slack refused, with its reason. */
export interface InvitedPayload {
  channel: string;
  invited: string[];
  refused: { userId: string; error: string }[];
}

/** Written before a post that Slack cannot de-duplicate: a retry first looks for what the attempt may have left. */
export interface EffectAttemptedPayload {
  effect: 'card' | 'call' | 'channel-notice';
  key: string;
}

export interface CallPinnedPayload {
  channel: string;
  ts: string;
}

/** Slack refused an effect for good (not a rate limit or a time-out): the outbox stops retrying it. */
export interface EffectFailedPayload {
  effect: 'channel' | 'topic' | 'invite' | 'card' | 'call' | 'pin' | 'names' | 'channel-notice';
  error: string;
}

export interface PositionPayload {
  userId: string;
  roles: SpeakingRole[];
  stance: Stance;
  comment?: string;
  /** Slack's id for the click or submission (action_ts, view id) with the user, so a replay records nothing new. */
  key: string;
}

/** A position from someone the user-group cache does not place in a role, checked with Slack after the ack. */
export interface PositionPendingPayload {
  userId: string;
  stance: Stance;
  comment?: string;
  key: string;
  /** The user groups of the speaking roles that could hold the person, as the roster named them. */
  groups: string[];
}

export type PendingCheck = PositionPendingPayload & { at: string; seq: number };

/** The call as submitted by someone who may have just joined the owner's or the delegate's user group. */
export type CallPendingPayload = Omit<CalledPayload, 'as'> & {
  /** The user groups of the owner and delegate roles, as the roster named them. */
  groups: string[];
};

export type PendingCall = CallPendingPayload & { at: string; seq: number };

export interface RefusedPayload {
  userId: string;
  attempted: 'position' | 'call' | 'export';
  reason: string;
  key: string;
}

export interface CalledPayload {
  userId: string;
  /** `owner` or `delegate`. */
  as: 'owner' | 'delegate';
  outcome: CallOutcome;
  rationale: string;
  quorumMet: boolean;
  quorumSummary: string;
  overrideReason?: string;
  recommendedCall: CallOutcome;
  snapshot: DecisionSnapshot;
  key: string;
}

/** An audit record uploaded into the channel: who asked, which files, and the last event the record covers. */
export interface ExportedPayload {
  userId: string;
  channel: string;
  files: { name: string; format: string; sha256: string; fileId?: string }[];
  coversThroughSeq: number;
}

/**
 * Names of people as the log knows them when a decision first sees them (or sees them renamed): the audit record
 * shows each event's actor under the name recorded before it, so a later rename never rewrites history.
 */
export interface PeopleNamedPayload {
  people: { userId: string; name: string; handle?: string; source: 'roster' | 'slack' | 'cli' }[];
  /** Slack users asked for and without a profile (deleted, invisible): asked once, known by their id. */
  unknown?: string[];
}

/**
 * A reminder or direct message sent while the decision waits for its call; `key` is the action's idempotency key
 * from nextDueActions, so the scheduler never sends it again.
 */
export interface ReminderSentPayload {
  key: string;
  kind: 'reminder' | 'direct-message' | 'overdue-reminder';
  /** The deadline the reminder counted down to, ISO 8601 UTC. */
  deadline: string;
  /** "PT4H" before the deadline, or the count of intervals after it for an overdue reminder. */
  point: string;
  /** The interval of an overdue reminder ("P1D"). */
  every?: string;
  /** Where the notice goes (src/decisions/notices.ts): channel ids and user ids. */
  targets?: string[];
}

/** The people messaged directly and the user groups mentioned in the channel for an escalation. */
export interface EscalationReached {
  users: string[];
  groups: string[];
  /** It reached nobody while Slack's user groups were not known (src/decisions/escalation-reach.ts). */
  groupsUnknown?: true;
}

/** The deadline passed with no call and the urgency's default path was taken (escalated, or reminding on). */
export interface DefaultPathTakenPayload {
  key: string;
  deadline: string;
  path: 'escalate' | 'remind';
  escalatedTo?: string;
  /** Whom the escalation role resolved to (src/decisions/escalation-reach.ts); both empty: it reached nobody. */
  reached?: EscalationReached;
  /** What the scheduler posts (src/decisions/notices.ts): the text, whether with the plan's mitigation, the interval. */
  post?: string;
  withMitigation?: boolean;
  every?: string;
  /** Where the notice goes: channel ids and user ids. Absent on events that only record the key. */
  targets?: string[];
}

export interface CallPostedPayload {
  channel: string;
  ts: string;
  pinned: boolean;
}

/** A decision event as the fold reads it: the log's stored event, reduced to what matters. */
export interface DecisionEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: unknown;
}

/** A position as the fold keeps it: the payload without its idempotency key, with when it was recorded. */
export type Position = Omit<PositionPayload, 'key'> & { at: string; seq: number };

export type Refusal = Omit<RefusedPayload, 'key'> & { at: string };

/** The call as the fold keeps it: the payload with `by` for its user and without its idempotency key. */
export type DecisionCall = Omit<CalledPayload, 'userId' | 'key'> & {
  by: string;
  at: string;
  /** The pinned message in the channel, once posted. */
  message?: { channel: string; ts: string; pinned: boolean };
};

export interface DecisionState {
  id: string;
  bulletinId: string;
  status: 'new' | 'open' | 'decided';
  convenedAt?: string;
  convenedBy?: string;
  /** The name the outbox creates (or found) the channel under. */
  channelName?: string;
  channel?: { id: string; name: string };
  cardTs?: string;
  topic?: string;
  invited: string[];
  /** People Slack would not invite, with its reason. */
  inviteRefused: { userId: string; error: string }[];
  /** Invitations done (or given up): the card follows. */
  invitesDone: boolean;
  /** Outbox attempts whose outcome is unknown until found in Slack: effect → key. */
  attempts: Partial<Record<EffectAttemptedPayload['effect'], string>>;
  /** Effects Slack refused for good, with its error. */
  failed: Partial<Record<EffectFailedPayload['effect'], string>>;
  /** Sequence number of the last event the card shows: the card's version. */
  cardVersion: number;
  bulletin?: BulletinBrief;
  assessment?: Assessment;
  assets: AssetLine[];
  exposures: AssetExposure[];
  members: Record<Role, string[]>;
  roles?: RoleMap;
  snapshot?: DecisionSnapshot;
  /** Positions received but waiting for a role check with Slack, by key (src/decisions/pending-role-checks.ts). */
  pendingChecks?: Record<string, PendingCheck>;
  /** Calls waiting on the same check with Slack, by key (src/decisions/pending-role-checks.ts). */
  pendingCalls?: Record<string, PendingCall>;
  /** Latest position per user id; earlier ones stay in the log. */
  positions: Record<string, Position>;
  /** Idempotency keys already recorded (positions, refusals, the call). */
  keys: string[];
  refusals: Refusal[];
  call?: DecisionCall;
  /** When the deadline passed with no call and the default path was taken (the first time for the latest deadline). */
  defaultPathTaken?: { at: string; deadline: string; path: 'escalate' | 'remind' };
  /** After the card: changed facts, progress, providers, escalations, closing (src/decisions/living-decision.ts). */
  living?: LivingState;
  /** Reminders and default-path posts the scheduler decided on, with their delivery (src/decisions/notices.ts). */
  notices?: Notice[];
  /** Slack users with a recorded name, and those who acted before one was (src/decisions/people-to-name.ts). */
  namedPeople?: string[];
  unnamedActors?: string[];
  lastSeq: number;
}

export type NoticeKind = 'reminder' | 'direct-message' | 'overdue-reminder' | 'default-path';

/** A notice as the fold keeps it: what to say, to whom, and how far its delivery got. */
export interface Notice {
  key: string;
  kind: NoticeKind;
  /** When the scheduler decided on it (the event's time). */
  at: string;
  deadline: string;
  /** "PT4H" before the deadline, or the count of intervals after it. */
  point?: string;
  /** For the default path: escalated (with the post and maybe the mitigation) or reminding on. */
  path?: 'escalate' | 'remind';
  escalatedTo?: string;
  reached?: EscalationReached;
  post?: string;
  withMitigation?: boolean;
  /** The interval of overdue reminders ("P1D"). */
  every?: string;
  /** Channel ids (C…/G…) and user ids (U…/W…, direct messages). */
  targets: string[];
  /** target → ts of the posted message. */
  delivered: Record<string, string>;
  /** Targets with an attempt whose outcome is unknown. */
  attempted: string[];
  /** target → Slack's refusal. */
  failed: Record<string, string>;
}

export function emptyRoleMap(): RoleMap {
  return {
    security: emptyMembers(),
    network: emptyMembers(),
    sysadmin: emptyMembers(),
    owner: emptyMembers(),
    delegate: emptyMembers(),
  };
}

function emptyMembers(): RoleMembers {
  return { users: [], groups: [] };
}

// ---- living decisions (issue 14): what the fold keeps after the card (src/decisions/living-decision.ts) ----

/** A message for the decision's channel, as plain text: the Slack gateway escapes it and adds the mentions. */
export interface ChannelNotice {
  key: string;
  kind: 'facts-changed' | 'confirmed' | 'progress' | 'escalation' | 'closed' | 'provider-request' | 'provider-answer';
  text: string;
  /** Slack user ids to mention in front of the text (the owner asked to confirm, the escalation role). */
  mention: string[];
}

export interface StepProgressRecord {
  title: string;
  kind: string;
  status: 'done' | 'open' | 'overdue';
  resolved: number;
  of: number;
  dueAt?: string;
}

/** The plan's progress as the latest later import showed it. */
export interface ProgressRecord {
  at: string;
  cause: string;
  /** "patched 35 of 37; 2 mitigated by the edge rule; exposure now small". */
  line: string;
  /** By AssetProgressStatus (src/decisions/plan-progress.ts). */
  counts: Record<string, number>;
  total: number;
  steps: StepProgressRecord[];
  assets: { assetName: string; status: string; exposure: string }[];
  closes: boolean;
}

export const PROVIDER_STATUSES = ['sent', 'acknowledged', 'scheduled', 'patched', 'declined'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export interface ProviderRequestState {
  provider: string;
  /** The plan step the request comes from ("Ask Contoso Hosting to patch"). */
  step: string;
  assets: string[];
  dueAt?: string;
  text: string;
  answers: { userId: string; status: ProviderStatus; note: string; at: string }[];
}

/** What the fold keeps of a living decision (DecisionState.living). */
export interface LivingState {
  /** The latest change of facts the owner has not confirmed or answered with a new call. */
  factsChanged?: { key: string; seq: number; at: string; summary: string };
  /** The inputs the latest assessment or progress was made on: unchanged inputs need no re-assessment. */
  basis?: DecisionSnapshot;
  progress?: ProgressRecord;
  providers: ProviderRequestState[];
  escalations: { key: string; subject: string; at: string }[];
  closed?: { at: string; line: string };
  notices: ChannelNotice[];
  noticesPosted: string[];
}
