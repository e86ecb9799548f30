/**
 * Provider requests: once the call is made, each `ask-provider` step of the plan becomes a request posted in the
 * channel for the owner to send (its text carries the contractual deadline); `/patch provider <decision> <status>
 * <note>` records the provider's answer. An overdue provider is escalated like an overdue step
 * (./plan-progress-from-imports.ts).
 */
import { PatchcallError } from '../common/errors';
import { formatTime } from '../common/time-format';
import { rolesHeld } from '../decisions/apply-roster-event';
import { PROVIDER_STATUSES, type DecisionState, type ProviderStatus } from '../decisions/decision-model';
import {
  LivingEvents,
  livingOf,
  type ProviderAnsweredPayload,
  type ProviderRequestedPayload,
} from '../decisions/living-decision';
import { writeTransaction } from '../store/write-transaction';
import type { AppContext } from './app-context';
import { appendDecisionEvent, findDecision, loadDecision } from './decision-log';
import { displayTimeZone } from './display-zone';

/** Appends a request for every provider step of a decided decision that has none yet; returns the state. */
export function requestProviders(ctx: AppContext, decisionId: string): DecisionState {
  return writeTransaction(ctx.db, () => {
    let state = loadDecision(ctx, decisionId);
    if (state.status !== 'decided' || !state.assessment) return state;
    const zone = displayTimeZone(ctx);
    const owners = [...new Set([...state.members.owner, ...state.members.delegate])];
    for (const step of state.assessment.plan.filter((s) => s.kind === 'ask-provider')) {
      const provider = /^Ask (.+) to patch$/.exec(step.title)?.[1] ?? step.title;
      const key = `provider:${state.id}:${provider}`;
      if (state.keys.includes(key)) continue;
      const due = step.dueAt ? ` (due ${formatTime(step.dueAt, zone)})` : '';
      state = appendDecisionEvent<ProviderRequestedPayload>(ctx, state, LivingEvents.providerRequested, 'system', {
        key,
        provider,
        step: step.title,
        assets: step.assets,
        ...(step.dueAt ? { dueAt: step.dueAt } : {}),
        text: step.details,
        notice: {
          key,
          kind: 'provider-request',
          text:
            `Request for ${provider}${due}, for the decision owner to send:\n${step.details}\n` +
            `Record the answer with /patch provider ${state.id} <${PROVIDER_STATUSES.join('|')}> <note>.`,
          mention: owners,
        },
      });
    }
    return state;
  });
}

export interface ProviderAnswerRequest {
  decisionId: string;
  userId: string;
  status: string;
  note: string;
  /** Slack's id for the command (or a CLI run's), so a replay records nothing new. */
  key: string;
}

export type ProviderAnswerResult =
  { kind: 'recorded' | 'duplicate'; state: DecisionState; provider: string } | { kind: 'refused'; reason: string };

/**
 * The provider's answer, from the owner or the delegate. With several providers, the note starts with the
 * provider's name ("Contoso Hosting: scheduled for Saturday").
 */
export function recordProviderAnswer(ctx: AppContext, request: ProviderAnswerRequest): ProviderAnswerResult {
  const status = request.status.toLowerCase() as ProviderStatus;
  if (!PROVIDER_STATUSES.includes(status))
    return { kind: 'refused', reason: `the status is one of ${PROVIDER_STATUSES.join(', ')}, not "${request.status}"` };
  return writeTransaction(ctx.db, (): ProviderAnswerResult => {
    const state = findDecision(ctx, request.decisionId);
    const requests = livingOf(state).providers;
    if (!requests.length) return { kind: 'refused', reason: `${state.id} has no provider request` };
    const held = rolesHeld(request.userId, state.members);
    if (!held.includes('owner') && !held.includes('delegate'))
      return { kind: 'refused', reason: 'only the decision owner or the delegate records a provider’s answer' };
    const named = requests.filter((r) => request.note.toLowerCase().startsWith(r.provider.toLowerCase()));
    const chosen = requests.length === 1 ? requests : named;
    if (chosen.length !== 1)
      throw new PatchcallError(
        'USAGE',
        `${state.id} has requests to ${requests.map((r) => r.provider).join(', ')}: start the note with the provider's name`,
      );
    const provider = chosen[0]!.provider;
    if (state.keys.includes(request.key)) return { kind: 'duplicate', state, provider };
    const note = request.note.trim();
    const recorded = appendDecisionEvent<ProviderAnsweredPayload>(
      ctx,
      loadDecision(ctx, state.id),
      LivingEvents.providerAnswered,
      request.userId,
      {
        userId: request.userId,
        provider,
        status,
        note,
        key: request.key,
        notice: {
          key: request.key,
          kind: 'provider-answer',
          text: `${provider} answered on ${state.id}: ${status}${note ? ` — “${note}”` : ''}`,
          mention: [],
        },
      },
    );
    return { kind: 'recorded', state: recorded, provider };
  });
}
