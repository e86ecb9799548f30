/** What every decision listener shares: the Slack deps, the gateway and each role's current members. */
import type { CurrentMembers } from '../../app/decision-positions';
import type { SlackGateway } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface DecisionServices {
  deps: SlackDeps;
  gateway: SlackGateway;
  /** Each role's members now, user groups from the cache (never a Slack call while someone waits for an ack). */
  currentMembers: CurrentMembers;
}

export function createDecisionServices(deps: SlackDeps): DecisionServices {
  const currentMembers = Object.assign(() => deps.membership.current(), {
    knownOutside: (userId: string, groupIds: string[]) => deps.membership.knownOutside(userId, groupIds),
  });
  return { deps, gateway: deps.gateway, currentMembers };
}
