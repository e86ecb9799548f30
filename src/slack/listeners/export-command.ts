/**
 * `/patch export <decision> [format]`: builds the decision's audit record (with the channel's own thread), uploads
 * it into the decision channel, and records who exported what. Only role members and admins may export.
 */
import { buildDecisionRecord, recordExport } from '../../app/export-decision';
import { appendDecisionEvent, findDecision } from '../../app/decision-log';
import { decisionPeople } from '../../app/name-people';
import { renderRecord, type RecordFormat } from '../../audit/render-record';
import { DecisionEvents, type RefusedPayload } from '../../decisions/decision-model';
import { escapeMrkdwn } from '../escape-mrkdwn';
import { fetchSlackThread } from '../fetch-slack-thread';
import type { DecisionServices } from './decision-services';

export type ExportReply = { ok: true; text: string } | { ok: false; text: string };

export async function exportDecisionToChannel(
  services: DecisionServices,
  request: { decision: string; format?: RecordFormat; userId: string },
): Promise<ExportReply> {
  const { deps, gateway } = services;
  const state = findDecision(deps.ctx, request.decision);
  const members = await services.currentMembers();
  const allowed =
    deps.config.admins.includes(request.userId) || Object.values(members).some((ids) => ids.includes(request.userId));
  if (!allowed) {
    appendDecisionEvent<RefusedPayload>(deps.ctx, state, DecisionEvents.refused, request.userId, {
      userId: request.userId,
      attempted: 'export',
      reason: 'not a member of any role and not an admin',
      key: `export:${request.userId}:${deps.now().toISOString()}`,
    });
    return {
      ok: false,
      text: 'Only the members of the decision roles and patchcall admins can export a decision. Your attempt has been recorded.',
    };
  }
  const channel = state.channel?.id;
  if (!channel) return { ok: false, text: `${escapeMrkdwn(state.id)} has no channel to upload into.` };

  const thread = await fetchSlackThread(deps.clients.background, channel, decisionPeople(deps.ctx, state.id));
  const record = buildDecisionRecord(deps.ctx, state.id, {
    exportedBy: request.userId,
    slackThread: thread.messages,
    names: thread.names,
  });
  const formats: RecordFormat[] = request.format ? [request.format] : ['json', 'html'];
  const files: { name: string; format: string; content: string; fileId?: string }[] = [];
  for (const format of formats) {
    const content = renderRecord(record, format);
    const name = `audit-${state.id}.${format}`;
    const fileId = await gateway.uploadFile(channel, {
      name,
      title: `Audit record of ${state.id} (${format.toUpperCase()})`,
      content,
    });
    files.push({ name, format, content, ...(fileId ? { fileId } : {}) });
  }
  const coversThroughSeq = record.decisionAtHead.lastSeq;
  recordExport(deps.ctx, record, { userId: request.userId, channel, files });
  return {
    ok: true,
    text: `Uploaded ${files.map((f) => `\`${f.name}\``).join(' and ')} to <#${channel}>: the record of ${escapeMrkdwn(state.id)} through event #${coversThroughSeq}. Check the JSON with \`patchcall audit verify --export <file>\`.`,
  };
}
