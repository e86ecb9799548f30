/** Composition root of the product's Slack listeners: `/patch`, the card's buttons, the modals, and arriving bulletins. */
import type { App } from '@slack/bolt';
import { assessForDecision } from '../../app/convene-assessment';
import type { AssessFn } from '../../app/convene-decision';
import type { SlackDeps } from '../slack-deps';
import { registerAppHome } from './app-home';
import { registerDecisionActions } from './decision-actions';
import { createDecisionServices } from './decision-services';
import { registerDecisionViews } from './decision-views';
import { registerImportHook } from './import-hook';
import { registerNewBulletinView } from './new-bulletin-view';
import { registerPatchCommand } from './patch-command';
import { registerUsergroupEvents } from './usergroup-events';

export interface ListenerOptions {
  /** The assessment convening uses; tests and the demo may hand in their own. */
  assess?: AssessFn;
}

export function registerListeners(app: App, deps: SlackDeps, options: ListenerOptions = {}): void {
  const services = createDecisionServices(deps, options.assess ?? assessForDecision);
  registerPatchCommand(app, services);
  registerDecisionActions(app, services);
  registerDecisionViews(app, services);
  registerNewBulletinView(app, services);
  registerImportHook(services);
  registerAppHome(app, services);
  registerUsergroupEvents(app, services);
}
