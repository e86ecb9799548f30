/** What every decision listener shares: the gateway (which renders the card) and each role's current members. */
import type { DecisionState, Role } from '../../decisions/decision-model';
import { decisionCard, decisionCardText } from '../blocks/decision-card';
import { SlackGateway } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface DecisionServices {
  deps: SlackDeps;
  gateway: SlackGateway;
  /** Each role's members now, groups resolved through Slack: for people who joined a role after convening. */
  currentMembers(): Promise<Record<Role, string[]>>;
}

export function createDecisionServices(deps: SlackDeps): DecisionServices {
  const { patchcall } = deps;
  // read at registration, so a wrong rules/quorum.json stops the app at start and not at the first click
  patchcall.quorumPolicy();
  const render = (state: DecisionState) => ({
    blocks: decisionCard(state, patchcall.cardQuorum(state), patchcall.displayTimeZone()),
    text: decisionCardText(state),
  });
  const gateway = new SlackGateway(deps.clients, render);
  return {
    deps,
    gateway,
    currentMembers: () => patchcall.currentRoleMembers((groups) => gateway.resolveGroups(groups)),
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
