/**
 * `patchcall export` and `/patch export`: one decision's audit record. The people it names are named in the log
 * first; the sections that follow from the decision's events are derived from the chain segment with the code
 * `audit verify --export` runs again (src/audit/derive-record.ts); the rest (export time and person, the chain head,
 * the Slack thread as fetched now) is covered by the installation's signature over the whole record.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord, SlackMessage } from '../audit/audit-record';
import { buildChainSegment } from '../audit/chain-segment';
import {
  deriveRecordSections,
  derivedPointers,
  NameBook,
  RECORD_VERSION,
  streamEvents,
  uncoveredPointers,
} from '../audit/derive-record';
import { signRecord } from '../audit/record-signature';
import { DecisionEvents, decisionStream, type DecisionState, type ExportedPayload } from '../decisions/decision-model';
import { PatchcallError } from '../common/errors';
import { utcTimes } from '../common/time-format';
import type { AppContext } from './app-context';
import { loadBulletin } from './bulletin-queries';
import { appendDecisionEvent, decisionIds, findDecision } from './decision-log';
import { writeTransaction } from '../store/write-transaction';
import { committed } from './replica-write';
import { displayTimeZone } from './display-zone';
import { recordPeopleNames, type PersonName } from './name-people';

export interface ExportOptions {
  exportedBy: string;
  /** The channel's messages with replies, users resolved; empty when Slack was not asked. */
  slackThread?: SlackMessage[];
  /** Names better than the roster's (Slack profiles, the CLI's `--as`), recorded in the log before the record is built. */
  names?: Record<string, PersonName>;
}

export function buildDecisionRecord(ctx: AppContext, decisionIdText: string, options: ExportOptions): AuditRecord {
  const state = recordPeopleNames(ctx, findDecision(ctx, decisionIdText), options.names);
  const stream = decisionStream(state.id);
  const first = ctx.events.first({ stream });
  const last = state.lastSeq;
  if (!first || !last) throw new PatchcallError('NOT_FOUND', `decision "${decisionIdText}" has no events`);
  const segment = buildChainSegment(stream, ctx.events.chainBetween(first.seq, last));
  const head = ctx.events.head();
  const timeZone = displayTimeZone(ctx);
  const derived = deriveRecordSections(segment, timeZone);
  const fromChain = derivedPointers(derived);

  let bulletin = derived.bulletin;
  if (!bulletin) {
    // decisions convened before the bulletin was recorded in the convened event: the store's view as of then
    try {
      bulletin = utcTimes(loadBulletin(ctx, state.bulletinId, state.snapshot?.logHeadSeq ?? first.seq));
    } catch {
      bulletin = undefined; // a bulletin typed into Slack and never imported has only the card's brief
    }
  }

  const record: AuditRecord = {
    format: 'patchcall/audit-record',
    version: RECORD_VERSION,
    exportedAt: ctx.clock().toISOString(),
    exportedBy: new NameBook(streamEvents(segment)).latest(options.exportedBy),
    timeZone,
    chainHead: head,
    decisionAtHead: derived.decisionAtHead,
    coverage: { fromChain, notCoveredByChain: [] },
    decision: derived.decision,
    ...(bulletin ? { bulletin } : {}),
    exposures: derived.exposures,
    ...(derived.assessment ? { assessment: derived.assessment } : {}),
    ...(derived.rules ? { rules: derived.rules } : {}),
    people: derived.people,
    timeline: derived.timeline,
    slackThread: options.slackThread ?? [],
    chain: segment,
  };
  record.coverage.notCoveredByChain = uncoveredPointers(record, fromChain);
  return signRecord(record, ctx.signingKey);
}

/** Every export is an event: who exported which files, covering the decision through which event. */
export function recordExport(
  ctx: AppContext,
  record: AuditRecord,
  request: {
    userId: string;
    channel?: string;
    files: { name: string; format: string; content: string; fileId?: string }[];
  },
): { state: DecisionState; payload: ExportedPayload } | Promise<{ state: DecisionState; payload: ExportedPayload }> {
  const payload: ExportedPayload = {
    userId: request.userId,
    channel: request.channel ?? '',
    files: request.files.map((f) => ({
      name: f.name,
      format: f.format,
      sha256: createHash('sha256').update(f.content).digest('hex'),
      ...(f.fileId ? { fileId: f.fileId } : {}),
    })),
    coversThroughSeq: record.decisionAtHead.lastSeq,
  };
  // the state read and the event appended under one write lock, so the state returned is the log's
  // (on a replica, through PostgreSQL: the export is in the log every replica and `audit verify` read)
  return committed(ctx, () => {
    const state = writeTransaction(ctx.db, () =>
      appendDecisionEvent<ExportedPayload>(
        ctx,
        findDecision(ctx, record.decision.id),
        DecisionEvents.exported,
        request.userId,
        payload,
      ),
    );
    return { state, payload };
  });
}

/** Decisions convened at or after `since` (ISO date), for `export --all`. */
export function decisionsSince(ctx: AppContext, since: string | undefined): string[] {
  return decisionIds(ctx).filter((id) => !since || (findDecision(ctx, id).convenedAt ?? '') >= since);
}
