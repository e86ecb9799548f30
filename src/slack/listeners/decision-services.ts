/** What every decision listener shares: the Slack deps and the assessment convening uses. */
import type { AssessFn } from '../../app/convene-decision';
import type { SlackDeps } from '../slack-deps';

export interface DecisionServices {
  deps: SlackDeps;
  assess: AssessFn;
}

export function createDecisionServices(deps: SlackDeps, assess: AssessFn): DecisionServices {
  return { deps, assess };
}
