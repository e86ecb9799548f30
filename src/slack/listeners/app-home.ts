/** The App Home tab, published fresh from the event log each time someone opens it. */
import type { App } from '@slack/bolt';
import { homeView } from '../blocks/home-view';
import type { DecisionServices } from './decision-services';

export function registerAppHome(app: App, services: DecisionServices): void {
  const { deps } = services;
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.clients.interactive.views.publish({
      user_id: event.user,
      view: homeView(deps.patchcall.listDecisions(), deps.patchcall.displayTimeZone(), {
        userId: event.user,
        overviews: deps.patchcall.listDecisionOverviews({ open: true }),
        now: deps.now(),
      }),
    });
  });
}
