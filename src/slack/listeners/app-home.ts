/** The App Home tab: published fresh from the event log when someone opens it (and pushed when it changes). */
import type { App } from '@slack/bolt';
import type { DecisionServices } from './decision-services';

export function registerAppHome(app: App, services: DecisionServices): void {
  const { deps } = services;
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.homes.publishNow(event.user);
  });
}
