/**
 * The application boundary: every use case an edge (Slack listeners, CLI commands, HTTP routes, schedulers) may
 * call, bound to one opened store. Edges hold a `Patchcall` and never the store, the event log or the database;
 * what they need from the outside world (Slack lookups, uploads, posting) they hand in as ports.
 */
import { checkQuorum, type QuorumPolicy, type QuorumResult } from '../decisions/check-quorum';
import type { DecisionState } from '../decisions/decision-model';
import { openAppContext, type AppContext } from './app-context';
import { assessBulletin } from './assess-bulletin';
import { currentInventoryDigest, listAssets, matchBulletinAssets } from './asset-queries';
import { lastAnchoredAt, requestAnchor } from './audit-anchors';
import { listBulletins, loadBulletin } from './bulletin-queries';
import { assessForDecision } from './convene-assessment';
import {
  conveneArrivals,
  conveneDecision,
  convenedOutcome,
  importNewBulletin,
  type AssessFn,
} from './convene-decision';
import { checkCallAllowed, makeCall } from './decision-call';
import { RoleMembership, type MembershipLogger, type MembershipOptions, type UserGroupsPort } from './role-membership';
import { RoleChecks, type RoleChecksOptions } from './role-checks';
import { SlackOutbox, type OutboxOptions, type SlackEffectsPort } from './slack-outbox';
import { DecisionScheduler, type SchedulerOptions } from './decision-scheduler';
import { DigestDelivery, type DigestLogger, type DigestPort } from './digest-delivery';
import { RecordOutbox, type RecordEffectsPort, type RecordOutboxOptions } from './record-outbox';
import { HomeOutbox, type HomeOutboxOptions, type HomeViewsPort } from './home-outbox';
import { findDecision, listDecisions, loadDecision } from './decision-log';
import { listDecisionOverviews, showDecisionOverview } from './decision-overview';
import { checkPositionAllowed, recordPosition, type CurrentMembers } from './decision-positions';
import { GroupCommit } from './group-commit';
import { buildDecisionRecord, decisionsSince, recordExport } from './export-decision';
import { displayTimeZone } from './display-zone';
import { decisionPeople } from './name-people';
import { exportDecisionToChannel } from './export-decision-to-channel';
import { bulletinExposure } from './exposure-queries';
import {
  type importDocuments,
  parseImport,
  rebuildProjections,
  recordParsedImport,
  type ImportOutcome,
} from './import-documents';
import { changeRole, readRoster } from './roles-roster';
import { storeAnswers } from './store-health';
import { verifyEventLog } from './verify-event-log';
import { committed } from './replica-write';
import type { RulesReload } from './rules-folder';
import { confirmCall, type ConfirmResult } from './confirm-call';
import { recordProviderAnswer, requestProviders } from './provider-requests';
import { importCause, reassessDecisions, type ReassessReport, type ReassessRequest } from './reassess-decisions';

/** A use case with the store bound: `(ctx, ...args) => R` becomes `(...args) => R`. */
type Bound<F> = F extends (ctx: AppContext, ...args: infer A) => infer R ? (...args: A) => R : never;
/** A use case of the call: the quorum policy is the application's own. */
type PolicyBound<F> = F extends (
  ctx: AppContext,
  request: infer Q,
  policy: QuorumPolicy,
  currentMembers: CurrentMembers,
) => infer R
  ? (request: Q, currentMembers: CurrentMembers) => R
  : never;
/** A write an edge awaits: done at once on SQLite, committed in PostgreSQL on a replica (src/app/replica-write.ts). */
type Awaitable<F> = F extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R> : never;
/** A convening use case: the request's `assess` is the application's own. */
type ConveneBound<F> = F extends (membership: RoleMembership, request: infer Q) => infer R
  ? (membership: RoleMembership, request: Omit<Q, 'assess'>) => R
  : never;

export interface Patchcall {
  /** The application's clock (fixed with `--at`, a test's or the demo's moment, else the wall clock). */
  readonly clock: () => Date;
  /** The organization's zone (rules/policy.json) in which every time is shown to a person. */
  displayTimeZone: Bound<typeof displayTimeZone>;

  listBulletins: Bound<typeof listBulletins>;
  loadBulletin: Bound<typeof loadBulletin>;
  listAssets: Bound<typeof listAssets>;
  currentInventoryDigest: Bound<typeof currentInventoryDigest>;
  matchBulletinAssets: Bound<typeof matchBulletinAssets>;
  bulletinExposure: Bound<typeof bulletinExposure>;
  assessBulletin: Bound<typeof assessBulletin>;
  importDocuments: Awaitable<Bound<typeof importDocuments>>;
  rebuildProjections: Bound<typeof rebuildProjections>;

  listDecisions: Bound<typeof listDecisions>;
  findDecision: Bound<typeof findDecision>;
  loadDecision: Bound<typeof loadDecision>;
  /** Each decision's status, deadline, call, positions taken and positions still owed (`patchcall decisions`). */
  listDecisionOverviews: Bound<typeof listDecisionOverviews>;
  showDecisionOverview: Bound<typeof showDecisionOverview>;
  conveneDecision: ConveneBound<Bound<typeof conveneDecision>>;
  conveneArrivals: ConveneBound<Bound<typeof conveneArrivals>>;
  importNewBulletin: ConveneBound<Bound<typeof importNewBulletin>>;
  convenedOutcome: Bound<typeof convenedOutcome>;
  /** The Slack outbox over this store: Slack brought to the state the log describes (start it once per process). */
  slackOutbox(slack: SlackEffectsPort, options?: OutboxOptions): SlackOutbox;
  /** Deadlines that act: writes due reminders and default paths to the log for the outbox (once per process). */
  decisionScheduler(options: SchedulerOptions): DecisionScheduler;
  /** Posts the daily digests the scheduler wrote to the log, each once (close it on shutdown). */
  digestDelivery(slack: DigestPort, options?: { leaseMs?: number; logger?: DigestLogger }): DigestDelivery;
  /** The record outbox over this store: anchors and export uploads the log asks for (start it once per process). */
  recordOutbox(slack: RecordEffectsPort, options?: RecordOutboxOptions): RecordOutbox;
  /** The App Home publisher: each person's Home published again when what it shows changes (start it once). */
  homeOutbox(port: HomeViewsPort, options?: HomeOutboxOptions): HomeOutbox;
  /** Role members with user groups from the cache Slack refreshes; what role checks read. */
  roleMembership(groups: UserGroupsPort, logger?: MembershipLogger, options?: MembershipOptions): RoleMembership;
  /** Settles the clicks pending a role check with Slack (after their ack, and after a restart). */
  roleChecks(membership: RoleMembership, options?: RoleChecksOptions): RoleChecks;
  checkPositionAllowed: Awaitable<Bound<typeof checkPositionAllowed>>;
  recordPosition: Awaitable<Bound<typeof recordPosition>>;
  checkCallAllowed: Awaitable<PolicyBound<typeof checkCallAllowed>>;
  makeCall: Awaitable<PolicyBound<typeof makeCall>>;
  /** The quorum as it stands for the recommended call, as the card shows it. */
  cardQuorum(state: DecisionState): QuorumResult | undefined;
  /** rules/quorum.json, read once (a wrong file stops the Slack app at start). */
  quorumPolicy(): QuorumPolicy;

  readRoster: Bound<typeof readRoster>;
  changeRole: Awaitable<Bound<typeof changeRole>>;

  /** After new data: re-assess the decisions whose inputs moved, record changed facts and progress (issue 14). */
  reassessDecisions(request: ReassessRequest): Promise<ReassessReport>;
  /** The same after an import, when it stored anything new (an unchanged file re-assesses nothing). */
  reassessAfterImport(outcomes: ImportOutcome[], actor: string): Promise<ReassessReport | undefined>;
  /**
   * Re-reads the rules folder (a long-running app calls it when the folder changes); when the rules changed, the
   * decisions under way are re-assessed on them. Resolves to the reload and, when the rules changed, the report.
   */
  reloadRules(actor: string): Promise<{ reload: RulesReload; report?: ReassessReport }>;
  /** Watches the rules folder and re-assesses after each change that loads whole; returns the way to stop. */
  watchRules(onReload: (reload: RulesReload, report?: ReassessReport) => void): () => void;
  confirmCall(
    request: { decisionId: string; userId: string; key: string },
    currentMembers: CurrentMembers,
  ): ConfirmResult | Promise<ConfirmResult>;
  recordProviderAnswer: Awaitable<Bound<typeof recordProviderAnswer>>;

  /** The record; on a replica it may first name people in the log through PostgreSQL. */
  buildDecisionRecord: Awaitable<Bound<typeof buildDecisionRecord>>;
  decisionsSince: Bound<typeof decisionsSince>;
  recordExport: Bound<typeof recordExport>;
  decisionPeople: Bound<typeof decisionPeople>;
  exportDecisionToChannel: Bound<typeof exportDecisionToChannel>;
  requestAnchor: Awaitable<Bound<typeof requestAnchor>>;
  lastAnchoredAt: Bound<typeof lastAnchoredAt>;
  verifyEventLog: Bound<typeof verifyEventLog>;
  storeAnswers: Bound<typeof storeAnswers>;
  /** The store answers (`/readyz`): the SQLite file, or PostgreSQL with the replica's copy agreeing with it. */
  storeReady(): Promise<boolean>;

  close(): void;
}

export interface PatchcallOptions {
  /** The assessment a decision is convened on; tests and the demo may hand in their own. */
  assess?: AssessFn;
}

/** Opens the store (creating and migrating it on first use) and binds every use case to it. */
export function openPatchcall(options: Parameters<typeof openAppContext>[0] & PatchcallOptions): Patchcall {
  return patchcallOver(openAppContext(options), options);
}

/** Parsed before the write: on a replica, outside PostgreSQL's append lock (it waits only to append). */
function importThenCommit(
  ctx: AppContext,
  ...[inputs, options]: Parameters<Bound<typeof importDocuments>>
): ImportOutcome[] | Promise<ImportOutcome[]> {
  const parsed = parseImport(ctx, inputs, options);
  return committed(ctx, () => recordParsedImport(ctx, parsed, options));
}

/** Binds the use cases to a context that is already open (tests keep the context to look into the log). */
export function patchcallOver(ctx: AppContext, options: PatchcallOptions = {}): Patchcall {
  const assess = options.assess ?? assessForDecision;
  // read on each use, so a reloaded rules folder applies to the next click
  const quorumPolicy = (): QuorumPolicy => ctx.rules.get('quorum');
  // clicks arriving together share one commit (src/app/group-commit.ts)
  const clicks = new GroupCommit(ctx.db);
  return {
    clock: ctx.clock,
    displayTimeZone: () => displayTimeZone(ctx),
    listBulletins: () => listBulletins(ctx),
    loadBulletin: (...args) => loadBulletin(ctx, ...args),
    listAssets: () => listAssets(ctx),
    currentInventoryDigest: () => currentInventoryDigest(ctx),
    matchBulletinAssets: (...args) => matchBulletinAssets(ctx, ...args),
    bulletinExposure: (...args) => bulletinExposure(ctx, ...args),
    assessBulletin: (...args) => assessBulletin(ctx, ...args),
    importDocuments: (...args) => importThenCommit(ctx, ...args),
    rebuildProjections: () => rebuildProjections(ctx),

    listDecisions: () => listDecisions(ctx),
    findDecision: (...args) => findDecision(ctx, ...args),
    loadDecision: (...args) => loadDecision(ctx, ...args),
    conveneDecision: (membership, request) => conveneDecision(ctx, membership, { ...request, assess }),
    conveneArrivals: (membership, arrival) => conveneArrivals(ctx, membership, { ...arrival, assess }),
    importNewBulletin: (membership, request) => importNewBulletin(ctx, membership, { ...request, assess }),
    convenedOutcome: (...args) => convenedOutcome(ctx, ...args),
    slackOutbox: (slack, outboxOptions) => new SlackOutbox(ctx, slack, outboxOptions),
    decisionScheduler: (schedulerOptions) => new DecisionScheduler(ctx, schedulerOptions),
    digestDelivery: (slack, digestOptions) => new DigestDelivery(ctx, slack, digestOptions),
    recordOutbox: (slack, outboxOptions) => new RecordOutbox(ctx, slack, outboxOptions),
    homeOutbox: (port, homeOptions) => new HomeOutbox(ctx, port, homeOptions),
    roleMembership: (groups, logger, membershipOptions) => new RoleMembership(ctx, groups, logger, membershipOptions),
    roleChecks: (membership, checkOptions) => new RoleChecks(ctx, membership, checkOptions),
    listDecisionOverviews: (...args) => listDecisionOverviews(ctx, ...args),
    showDecisionOverview: (...args) => showDecisionOverview(ctx, ...args),
    checkPositionAllowed: (...args) => checkPositionAllowed(ctx, ...args),
    recordPosition: (...args) => clicks.run(() => recordPosition(ctx, ...args)),
    checkCallAllowed: (request, currentMembers) => checkCallAllowed(ctx, request, quorumPolicy(), currentMembers),
    makeCall: (request, currentMembers) => {
      const result = makeCall(ctx, request, quorumPolicy(), currentMembers);
      return result.kind === 'called' ? { ...result, state: requestProviders(ctx, result.state.id) } : result;
    },
    cardQuorum: (state) =>
      state.assessment ? checkQuorum(state, quorumPolicy(), state.assessment.summary.recommendedCall) : undefined,
    quorumPolicy,

    readRoster: () => readRoster(ctx),
    changeRole: (...args) => changeRole(ctx, ...args),

    reassessDecisions: (request) => reassessDecisions(ctx, assess, request),
    reassessAfterImport: async (outcomes, actor) => {
      const cause = importCause(outcomes);
      return cause ? reassessDecisions(ctx, assess, { ...cause, actor }) : undefined;
    },
    reloadRules: async (actor) => {
      const reload = await ctx.liveRules.reload();
      if (!reload.changed) return { reload };
      return { reload, report: await reassessDecisions(ctx, assess, { actor, cause: 'the rules folder was edited' }) };
    },
    watchRules: (onReload) => {
      const watcher = ctx.liveRules.watch((reload) => {
        if (!reload.changed) return onReload(reload);
        void reassessDecisions(ctx, assess, { actor: 'system', cause: 'the rules folder was edited' }).then(
          (report) => onReload(reload, report),
          () => onReload(reload),
        );
      });
      return () => watcher.close();
    },
    confirmCall: (request, currentMembers) => confirmCall(ctx, request, currentMembers),
    recordProviderAnswer: (...args) => recordProviderAnswer(ctx, ...args),

    buildDecisionRecord: (...args) => committed(ctx, () => buildDecisionRecord(ctx, ...args), { probeFirst: true }),
    decisionsSince: (...args) => decisionsSince(ctx, ...args),
    recordExport: (...args) => recordExport(ctx, ...args),
    decisionPeople: (...args) => decisionPeople(ctx, ...args),
    exportDecisionToChannel: (...args) => exportDecisionToChannel(ctx, ...args),
    requestAnchor: (...args) => requestAnchor(ctx, ...args),
    lastAnchoredAt: () => lastAnchoredAt(ctx),
    verifyEventLog: (...args) => verifyEventLog(ctx, ...args),
    storeAnswers: () => storeAnswers(ctx),
    storeReady: async () => storeAnswers(ctx),

    close: () => ctx.close(),
  };
}
