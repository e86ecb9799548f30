/**
 * The audit record of one decision: everything an auditor needs weeks later to see why a server was or was not
 * patched and who decided, self-contained, with the chain links that prove it untouched and the signature that
 * proves it complete. Every section listed in `coverage.fromChain` is re-derived from the chained payloads by
 * `audit verify --export` with the code that built it (derive-record.ts); the rest is covered by the signature.
 * Schema: schemas/audit-record.schema.json. Renderers turn it into CSV, Markdown and HTML.
 */
import type { Bulletin } from '../bulletins/model';
import type { AssetExposure } from '../exposure/model';
import type { Assessment } from '../risk/model';
import type { ChainSegment } from './chain-segment';

export interface PersonRef {
  /** Slack user id (or `cli:<user>`, `system`): the identity. */
  id: string;
  /** The name as recorded in the log when the person was first seen (or renamed), before the event shown. */
  name?: string;
  /** The Slack handle (users.info `name`), without the @. */
  handle?: string;
}

/** A name as the log recorded it (a `decision.people-named` event): later renames are new entries. */
export interface NamedPerson {
  id: string;
  name: string;
  handle?: string;
  /** Where the name came from: `roster`, `slack` (users.info), `cli` (`--as` or the OS user). */
  source: string;
  eventSeq: number;
}

/** The rules the decision was made on: one digest and each file's digest (item 6 of issue 11 fills `files`). */
export interface RecordedRules {
  digest: string;
  files: { path: string; sha256: string }[];
  /** What the digest covers, in words. */
  covers: string;
}

/** Which parts of the record the verifier re-derives from the chain, and which only the signature covers. */
export interface RecordCoverage {
  fromChain: string[];
  notCoveredByChain: string[];
}

export interface RecordSignature {
  algorithm: 'Ed25519';
  /** The installation's public key, SPKI DER in base64. */
  publicKey: string;
  /** The first 16 hex digits of the SHA-256 of the public key's DER: how people compare keys. */
  keyId: string;
  /** Over the canonical JSON of the whole record without `signature`, base64. */
  value: string;
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
  /** "quorum met" or the quorum summary recorded with the call. */
  quorumSummary?: string;
  as?: string;
  recommendedCall?: string;
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
  /** 3: every date-time in UTC with `Z`; 2: recorded times as written (derive-record.ts RECORD_VERSION). */
  version: 2 | 3;
  exportedAt: string;
  exportedBy: PersonRef;
  /** The organization's zone (rules/policy.json) the record's sentences show times in. */
  timeZone: string;
  /** The log's head when the record was exported (it may lie beyond the decision's last event). */
  chainHead: { seq: number; hash: string };
  /** The decision as folded from its events at that head. */
  decisionAtHead: { status: string; lastSeq: number; events: number };
  coverage: RecordCoverage;
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
  /** The rules digest recorded with the call (else at convening). */
  rules?: RecordedRules;
  /** Every name the log recorded for the people in this decision, oldest first. */
  people: NamedPerson[];
  timeline: TimelineEntry[];
  slackThread: SlackMessage[];
  chain: ChainSegment;
  signature?: RecordSignature;
}
