/** What every decision listener shares: the gateway, the card renderer, the quorum policy and the assessment. */
import type { AssessFn } from '../../app/convene-decision';
import { readRoster } from '../../app/roles-roster';
import { resolveMembers } from '../../decisions/apply-roster-event';
import { checkQuorum, type QuorumPolicy } from '../../decisions/check-quorum';
import type { DecisionState, Role } from '../../decisions/decision-model';
import { decisionCard, decisionCardText } from '../blocks/decision-card';
import { SlackGateway } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface DecisionServices {
  deps: SlackDeps;
  gateway: SlackGateway;
  policy: QuorumPolicy;
  assess: AssessFn;
  /** Each role's members now, groups resolved through Slack: for people who joined a role after convening. */
  currentMembers(): Promise<Record<Role, string[]>>;
}

export function createDecisionServices(deps: SlackDeps, assess: AssessFn): DecisionServices {
  const policy = deps.ctx.rules.get('quorum');
  const render = (state: DecisionState) => ({
    blocks: decisionCard(
      state,
      state.assessment ? checkQuorum(state, policy, state.assessment.summary.recommendedCall) : undefined,
    ),
    text: decisionCardText(state),
  });
  const gateway = new SlackGateway(deps.clients, render);
  return {
    deps,
    gateway,
    policy,
    assess,
    async currentMembers() {
      const roster = readRoster(deps.ctx);
      const groups = [...new Set(Object.values(roster.roles).flatMap((r) => r.groups))];
      return resolveMembers(roster.roles, groups.length ? await gateway.resolveGroups(groups) : {});
    },
  };
}

/** Re-renders the card; if Slack fails, the change is already in the log and the next render shows it. */
export async function refreshCard(services: DecisionServices, state: DecisionState): Promise<void> {
  if (!state.cardTs) return;
  try {
    await services.gateway.updateCard(state);
  } catch (error) {
    services.deps.logger.warn(
      { decision: state.id, err: (error as Error).message },
      'card update failed; the log holds the change',
    );
  }
}
