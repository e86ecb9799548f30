/** The App Home tab, published fresh from the event log each time someone opens it. */
import { displayTimeZone } from '../../app/display-zone';
import type { App } from '@slack/bolt';
import { listDecisions } from '../../app/decision-log';
import { homeView } from '../blocks/home-view';
import type { DecisionServices } from './decision-services';

export function registerAppHome(app: App, services: DecisionServices): void {
  const { deps } = services;
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      await deps.clients.interactive.views.publish({
        user_id: event.user,
        view: homeView(listDecisions(deps.ctx), displayTimeZone(deps.ctx.rulesDir)),
      });
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'publishing the home tab failed');
    }
  });
}
