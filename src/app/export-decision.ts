/**
 * `patchcall export` and `/patch export`: one decision's audit record, built from its events (folded the same
 * way Slack shows them), the bulletin as it was known when it was convened, the chain segment that proves it,
 * and, when Slack is reachable, the channel's thread.
 */
import type { AuditRecord, PersonRef, SlackMessage, TimelineEntry } from '../audit/audit-record';
import { buildChainSegment } from '../audit/chain-segment';
import { describeDecisionEvent } from '../audit/describe-decision-event';
import { DecisionEvents, decisionStream, type PositionPayload } from '../decisions/decision-model';
import { PatchcallError } from '../common/errors';
import type { AppContext } from './app-context';
import { loadBulletin } from './bulletin-queries';
import { decisionIds, findDecision } from './decision-log';

export interface ExportOptions {
  exportedBy: string;
  /** The channel's messages with replies, users resolved; empty when Slack was not asked. */
  slackThread?: SlackMessage[];
  /** Display names by user id, for reading only. */
  names?: Record<string, string>;
}

export function buildDecisionRecord(ctx: AppContext, decisionIdText: string, options: ExportOptions): AuditRecord {
  const state = findDecision(ctx, decisionIdText);
  const stream = decisionStream(state.id);
  const events = [...ctx.events.read({ stream })];
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new PatchcallError('NOT_FOUND', `decision "${decisionIdText}" has no events`);
  const who = (id: string): PersonRef => (options.names?.[id] ? { id, name: options.names[id] } : { id });
  const entry = (e: (typeof events)[number]): TimelineEntry => ({
    seq: e.seq,
    at: e.at,
    actor: who(e.actor),
    type: e.type,
    summary: describeDecisionEvent(e.type, e.payload),
  });

  const asOf = state.snapshot?.logHeadSeq ?? first.seq;
  let bulletin;
  try {
    bulletin = loadBulletin(ctx, state.bulletinId, asOf);
  } catch {
    bulletin = undefined; // a bulletin typed into Slack and never imported has only the card's brief
  }

  return {
    format: 'patchcall/audit-record',
    version: 1,
    exportedAt: ctx.clock().toISOString(),
    exportedBy: who(options.exportedBy),
    decision: {
      id: state.id,
      bulletinId: state.bulletinId,
      ...(state.channel ? { channel: state.channel.name } : {}),
      status: state.status,
      ...(state.convenedAt ? { convenedAt: state.convenedAt } : {}),
      ...(state.convenedBy ? { convenedBy: who(state.convenedBy) } : {}),
      // every position ever taken, not only the latest per person: a changed mind is part of the record
      positions: events
        .filter((e) => e.type === DecisionEvents.positionRecorded)
        .map((e) => {
          const p = e.payload as PositionPayload;
          return {
            person: who(p.userId),
            roles: p.roles,
            stance: p.stance,
            ...(p.comment !== undefined ? { comment: p.comment } : {}),
            at: e.at,
            eventSeq: e.seq,
          };
        }),
      refusals: events.filter((e) => e.type === DecisionEvents.refused).map(entry),
      reminders: events.filter((e) => e.type.startsWith('decision.reminder')).map(entry),
      ...(state.call
        ? {
            call: {
              person: who(state.call.by),
              at: state.call.at,
              outcome: state.call.outcome,
              rationale: state.call.rationale,
              quorumMet: state.call.quorumMet,
              ...(state.call.overrideReason !== undefined ? { overrideReason: state.call.overrideReason } : {}),
              eventSeq: events.find((e) => e.type === DecisionEvents.called)?.seq ?? last.seq,
              snapshot: {
                ...state.call.snapshot,
                recommendedCall: state.call.recommendedCall,
                quorum: state.call.quorumSummary,
              },
            },
          }
        : {}),
    },
    ...(bulletin ? { bulletin } : {}),
    exposures: state.exposures,
    ...(state.assessment ? { assessment: state.assessment } : {}),
    timeline: events.map(entry),
    slackThread: options.slackThread ?? [],
    chain: buildChainSegment(stream, ctx.events.chainBetween(first.seq, last.seq)),
  };
}

/** Decisions convened at or after `since` (ISO date), for `export --all`. */
export function decisionsSince(ctx: AppContext, since: string | undefined): string[] {
  return decisionIds(ctx).filter((id) => !since || (findDecision(ctx, id).convenedAt ?? '') >= since);
}
