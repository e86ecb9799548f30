/** Composition root of the product's Slack listeners: `/patch`, the card's buttons, the modals, and arriving bulletins. */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../slack-deps';
import { registerAppHome } from './app-home';
import { registerDecisionActions } from './decision-actions';
import { createDecisionServices } from './decision-services';
import { registerDecisionViews } from './decision-views';
import { registerImportHook } from './import-hook';
import { routedListeners } from './listener-router';
import { registerLivingActions } from './living-listeners';
import { registerNewBulletinView } from './new-bulletin-view';
import { registerPatchCommand } from './patch-command';
import { registerUsergroupEvents } from './usergroup-events';

export function registerListeners(bolt: App, deps: SlackDeps): void {
  const app = routedListeners(bolt);
  const services = createDecisionServices(deps);
  registerPatchCommand(app, services);
  registerDecisionActions(app, services);
  registerLivingActions(app, services);
  registerDecisionViews(app, services);
  registerNewBulletinView(app, services);
  registerImportHook(services);
  registerAppHome(app, services);
  registerUsergroupEvents(app, services);
}
