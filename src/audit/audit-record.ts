/**
 * The audit record of one decision: everything an auditor needs weeks later to see why a server was or was not
 * patched and who decided, self-contained, with the chain links that prove it untouched and complete.
 * Schema: schemas/audit-record.schema.json. Renderers turn it into CSV, Markdown and HTML.
 */
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { Assessment } from '../risk/model';
import type { ChainSegment } from './chain-segment';

export interface PersonRef {
  /** Slack user id (or `cli:<user>`, `system`): the identity. */
  id: string;
  /** The display name resolved when the record was exported; for reading only. */
  name?: string;
}

export interface RecordedPosition {
  person: PersonRef;
  roles: string[];
  stance: string;
  comment?: string;
  at: string;
  eventSeq: number;
}

export interface RecordedCall {
  person: PersonRef;
  at: string;
  outcome: string;
  rationale: string;
  quorumMet?: boolean;
  overrideReason?: string;
  eventSeq: number;
  /** What the people saw when the call was made: bulletin revision and the hashes of inventory, rules, rulebook. */
  snapshot?: Record<string, unknown>;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  actor: PersonRef;
  type: string;
  /** One sentence a person reads. */
  summary: string;
}

export interface SlackMessage {
  ts: string;
  at: string;
  user: PersonRef;
  text: string;
  replies: SlackMessage[];
}

export interface AuditRecord {
  format: 'patchcall/audit-record';
  version: 1;
  exportedAt: string;
  exportedBy: PersonRef;
  decision: {
    id: string;
    bulletinId: string;
    channel?: string;
    status: string;
    convenedAt?: string;
    convenedBy?: PersonRef;
    positions: RecordedPosition[];
    refusals: TimelineEntry[];
    reminders: TimelineEntry[];
    call?: RecordedCall;
  };
  /** The bulletin as it was known when the decision was convened, each fact with its source. */
  bulletin?: Bulletin;
  /** The exposure of the affected assets, with the deciding firewall rules, as shown to the stakeholders. */
  exposures: AssetExposure[];
  /** The verdicts with their explanation, as shown. */
  assessment?: Assessment;
  timeline: TimelineEntry[];
  slackThread: SlackMessage[];
  chain: ChainSegment;
}
