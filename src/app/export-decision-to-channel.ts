/**
 * `/patch export <decision> [format]`: only role members and admins may export; anyone else is refused on the
 * record. The record (with the channel's own thread) is rendered, uploaded into the decision channel, and the
 * export is recorded with the digest of every file.
 */
import type { SlackMessage } from '../audit/audit-record';
import { renderRecord, type RecordFormat } from '../audit/render-record';
import {
  DecisionEvents,
  type DecisionState,
  type ExportedPayload,
  type RefusedPayload,
} from '../decisions/decision-model';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision } from './decision-log';
import type { CurrentMembers } from './decision-positions';
import { buildDecisionRecord, recordExport } from './export-decision';
import { decisionPeople, type PersonName } from './name-people';

/** The Slack calls an export needs: the channel read back for the record, and the upload. */
export interface ChannelExportPort {
  /** The channel's messages, with the Slack profiles of `people` (and of everyone who wrote) as names. */
  readThread(
    channel: string,
    people: string[],
  ): Promise<{ messages: SlackMessage[]; names: Record<string, PersonName> }>;
  /** Uploads a file into the channel; resolves to Slack's file id when it gives one. */
  upload(channel: string, file: { name: string; title: string; content: string }): Promise<string | undefined>;
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
  | {
      kind: 'exported';
      state: DecisionState;
      channel: string;
      files: ExportedPayload['files'];
      coversThroughSeq: number;
    };

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
    state = appendDecisionEvent<RefusedPayload>(ctx, state, DecisionEvents.refused, request.userId, {
      userId: request.userId,
      attempted: 'export',
      reason: NOT_ALLOWED_TO_EXPORT,
      key: `export:${request.userId}:${request.now.toISOString()}`,
    });
    return { kind: 'refused', state, reason: NOT_ALLOWED_TO_EXPORT };
  }
  const channel = state.channel?.id;
  if (!channel) return { kind: 'no-channel', state };

  const thread = await slack.readThread(channel, decisionPeople(ctx, state.id));
  const record = buildDecisionRecord(ctx, state.id, {
    exportedBy: request.userId,
    slackThread: thread.messages,
    names: thread.names,
  });
  const formats: RecordFormat[] = request.format ? [request.format] : ['json', 'html'];
  const files: { name: string; format: string; content: string; fileId?: string }[] = [];
  for (const format of formats) {
    const content = renderRecord(record, format);
    const name = `audit-${state.id}.${format}`;
    const fileId = await slack.upload(channel, {
      name,
      title: `Audit record of ${state.id} (${format.toUpperCase()})`,
      content,
    });
    files.push({ name, format, content, ...(fileId ? { fileId } : {}) });
  }
  const exported = recordExport(ctx, record, { userId: request.userId, channel, files });
  return {
    kind: 'exported',
    state: exported.state,
    channel,
    files: exported.payload.files,
    coversThroughSeq: exported.payload.coversThroughSeq,
  };
}
