/** What every Slack listener receives: the use cases, the two Web API clients, settings, a logger and the clock. */
import type { ImportOutcome } from '../app/import-documents';
import type { Patchcall } from '../app/patchcall';
import type { RoleMembership } from '../app/role-membership';
import type { SlackOutbox } from '../app/slack-outbox';
import type { DecisionScheduler } from '../app/decision-scheduler';
import type { RecordOutbox } from '../app/record-outbox';
import type { RoleChecks } from '../app/role-checks';
import type { HomeOutbox } from '../app/home-outbox';
import type { SlackGateway } from './slack-gateway';
import type { Logger } from '../logging/logger';
import type { SlackConfig } from './slack-config';
import type { SlackClients } from './web-clients';

/** Called after documents arrive through POST /bulletins (committed to the event log before the call). */
export type ImportListener = (outcomes: ImportOutcome[], source: { actor: string }) => void | Promise<void>;

export interface ImportHooks {
  /**
   * Subscribe to imports that reached the event log through ingest. A listener that throws or rejects is logged;
   * the HTTP answer has already gone out by then, so listeners may take their time (e.g. convene a decision).
   */
  onImported(listener: ImportListener): void;
}

export interface SlackDeps {
  patchcall: Patchcall;
  clients: SlackClients;
  config: SlackConfig;
  logger: Logger;
  now: () => Date;
  imports: ImportHooks;
  /** Brings Slack to the state the log describes; listeners append and nudge it, never call Slack for effects. */
  outbox: SlackOutbox;
  /** Posts the anchors and uploads the exports the log asks for. */
  records: RecordOutbox;
  /** Each role's members with user groups from the cache: read on clicks without waiting on Slack. */
  membership: RoleMembership;
  /** Settles clicks by people the cache does not place in a role, after their ack (asks Slack for the groups). */
  roleChecks: RoleChecks;
  gateway: SlackGateway;
  /** Writes due reminders and default paths to the log; nudge it after the clock or the log changed. */
  scheduler: DecisionScheduler;
  /** Publishes each person's App Home again when what it shows changes. */
  homes: HomeOutbox;
}
