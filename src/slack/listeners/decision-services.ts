/** What every decision listener shares: the Slack deps, the gateway and each role's current members. */
import type { Role } from '../../decisions/decision-model';
import type { SlackGateway } from '../slack-gateway';
import type { SlackDeps } from '../slack-deps';

export interface DecisionServices {
  deps: SlackDeps;
  gateway: SlackGateway;
  /** Each role's members now, user groups from the cache (never a Slack call while someone waits for an ack). */
  currentMembers(): Record<Role, string[]>;
}

export function createDecisionServices(deps: SlackDeps): DecisionServices {
  return { deps, gateway: deps.gateway, currentMembers: () => deps.membership.current() };
}
