/**
 * `/patch export <decision> [format]`: only role members and admins may export; anyone else is refused on the
 * record. The record (with the channel's own thread) is rendered and the upload asked for in the log, with each
 * file's digest and its bytes kept beside it; the record outbox uploads the files into the decision channel and
 * records the export once every file is there (src/app/record-outbox.ts).
 */
import { randomUUID } from 'node:crypto';
import type { SlackMessage } from '../audit/audit-record';
import { RecordEffectEvents, type ExportFile, type ExportRequestedPayload } from '../audit/record-effects';
import { renderRecord, type RecordFormat } from '../audit/render-record';
import { ExportFilesStore } from '../store/export-files-store';
import { writeTransaction } from '../store/write-transaction';
import { DecisionEvents, type DecisionState, type RefusedPayload } from '../decisions/decision-model';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision } from './decision-log';
import { committed } from './replica-write';
import type { CurrentMembers } from './decision-positions';
import { buildDecisionRecord } from './export-decision';
import { decisionPeople, type PersonName } from './name-people';

/** The Slack call an export needs before it is asked for: the channel read back for the record. */
export interface ChannelExportPort {
  /** The channel's messages, with the Slack profiles of `people` (and of everyone who wrote) as names. */
  readThread(
    channel: string,
    people: string[],
  ): Promise<{ messages: SlackMessage[]; names: Record<string, PersonName> }>;
}

export interface ChannelExportRequest {
  decision: string;
  /** One format, or JSON and HTML when none is named. */
  format?: RecordFormat;
  userId: string;
  /** patchcall admins (PATCHCALL_ADMINS), who may export without holding a role. */
  admins: readonly string[];
  now: Date;
}

export type ChannelExportResult =
  | { kind: 'refused'; state: DecisionState; reason: string }
  | { kind: 'no-channel'; state: DecisionState }
  /** In the log; the record outbox uploads the files (its key says when it is done). */
  | { kind: 'requested'; state: DecisionState; request: ExportRequestedPayload };

const NOT_ALLOWED_TO_EXPORT = 'not a member of any role and not an admin';

export async function exportDecisionToChannel(
  ctx: AppContext,
  request: ChannelExportRequest,
  slack: ChannelExportPort,
  currentMembers: CurrentMembers,
): Promise<ChannelExportResult> {
  let state = findDecision(ctx, request.decision);
  const members = currentMembers();
  const allowed =
    request.admins.includes(request.userId) || Object.values(members).some((ids) => ids.includes(request.userId));
  if (!allowed) {
    const id = state.id;
    state = await committed(ctx, () =>
      appendDecisionEvent<RefusedPayload>(ctx, findDecision(ctx, id), DecisionEvents.refused, request.userId, {
        userId: request.userId,
        attempted: 'export',
        reason: NOT_ALLOWED_TO_EXPORT,
        key: `export:${request.userId}:${request.now.toISOString()}`,
      }),
    );
    return { kind: 'refused', state, reason: NOT_ALLOWED_TO_EXPORT };
  }
  const channel = state.channel?.id;
  if (!channel) return { kind: 'no-channel', state };

  const thread = await slack.readThread(channel, decisionPeople(ctx, state.id));
  const id = state.id;
  const record = await committed(
    ctx,
    () =>
      buildDecisionRecord(ctx, id, { exportedBy: request.userId, slackThread: thread.messages, names: thread.names }),
    { probeFirst: true },
  );
  const formats: RecordFormat[] = request.format ? [request.format] : ['json', 'html'];
  const coversThroughSeq = record.decisionAtHead.lastSeq;
  // rendered before the write lock is taken: a click's append never waits behind a render
  const rendered = formats.map((format) => ({ format, content: renderRecord(record, format) }));
  const files = new ExportFilesStore(ctx.db);
  // the bytes and the event that names them commit together: the outbox never sees a file it cannot upload
  return committed(ctx, () =>
    writeTransaction(ctx.db, () => {
      const named: ExportFile[] = rendered.map(({ format, content }) => ({
        name: `audit-${id}.${format}`,
        format,
        title: `Audit record of ${id} through event #${coversThroughSeq} (${format.toUpperCase()})`,
        sha256: files.put(content, request.now),
      }));
      const payload: ExportRequestedPayload = {
        key: `export:${randomUUID()}`,
        userId: request.userId,
        channel,
        coversThroughSeq,
        files: named,
      };
      const requested = appendDecisionEvent(
        ctx,
        findDecision(ctx, id),
        RecordEffectEvents.exportRequested,
        request.userId,
        payload,
      );
      return { kind: 'requested' as const, state: requested, request: payload };
    }),
  );
}
