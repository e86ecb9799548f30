/**
 * What `patchcall decisions` and `patchcall decision show` report: each decision's state as folded from its
 * events, with the deadline, the call, the positions taken and the positions still owed under the quorum policy.
 */
import { isoUtc } from '../common/time-format';
import { checkQuorum } from '../decisions/check-quorum';
import type { DecisionState, SpeakingRole, Stance } from '../decisions/decision-model';
import type { AppContext } from './app-context';
import { findDecision, listDecisions } from './decision-log';
import { livingOverview, type LivingOverview } from './decision-living-overview';

export interface DecisionOverview extends LivingOverview {
  id: string;
  bulletinId: string;
  status: DecisionState['status'];
  convenedAt: string | null;
  convenedBy: string | null;
  channel: { id: string; name: string } | null;
  urgency: string | null;
  recommendedCall: string | null;
  deadline: { dueAt: string; reason: string } | null;
  assets: number;
  positions: { userId: string; roles: SpeakingRole[]; stance: Stance; comment: string | null; at: string }[];
  /** Per required role: how many positions the quorum for the recommended call needs, who gave one, who may still. */
  owed: { role: SpeakingRole; count: number; filledBy: string[]; missing: number; waitingOn: string[] }[];
  quorum: string | null;
  call: {
    outcome: string;
    by: string;
    as: 'owner' | 'delegate';
    at: string;
    rationale: string;
    quorumMet: boolean;
    quorumSummary: string;
    overrideReason: string | null;
  } | null;
  refusals: number;
  lastEventSeq: number;
}

export function listDecisionOverviews(ctx: AppContext, options: { open?: boolean } = {}): DecisionOverview[] {
  const states = listDecisions(ctx).filter((d) => !options.open || d.status !== 'decided');
  return states.map((state) => overview(ctx, state));
}

export function showDecisionOverview(ctx: AppContext, idText: string): DecisionOverview {
  return overview(ctx, findDecision(ctx, idText));
}

function overview(ctx: AppContext, d: DecisionState): DecisionOverview {
  const summary = d.assessment?.summary;
  let owed: DecisionOverview['owed'] = [];
  let quorum: string | null = null;
  if (summary && !d.call) {
    const result = checkQuorum(d, ctx.rules.get('quorum'), summary.recommendedCall);
    quorum = result.summary;
    owed = result.requirements.map((r) => ({
      role: r.role,
      count: r.count,
      filledBy: r.filledBy,
      missing: r.missing,
      waitingOn: r.missing > 0 ? d.members[r.role].filter((user) => !d.positions[user]) : [],
    }));
  }
  return {
    id: d.id,
    bulletinId: d.bulletinId,
    status: d.status,
    convenedAt: d.convenedAt ?? null,
    convenedBy: d.convenedBy ?? null,
    channel: d.channel ?? null,
    urgency: summary?.urgency ?? null,
    recommendedCall: summary?.recommendedCall ?? null,
    // decisions convened before JSON carried UTC recorded the deadline with the organization's offset
    deadline: summary ? { dueAt: isoUtc(summary.deadline.dueAt), reason: summary.deadline.reason } : null,
    assets: d.assets.length,
    positions: Object.values(d.positions)
      .sort((a, b) => a.seq - b.seq)
      .map((p) => ({ userId: p.userId, roles: p.roles, stance: p.stance, comment: p.comment ?? null, at: p.at })),
    owed,
    quorum,
    call: d.call
      ? {
          outcome: d.call.outcome,
          by: d.call.by,
          as: d.call.as,
          at: d.call.at,
          rationale: d.call.rationale,
          quorumMet: d.call.quorumMet,
          quorumSummary: d.call.quorumSummary,
          overrideReason: d.call.overrideReason ?? null,
        }
      : null,
    refusals: d.refusals.length,
    lastEventSeq: d.lastSeq,
    ...livingOverview(ctx, d),
  };
}
