/** The App Home publisher's Slack side: renders a person's Home from the log's snapshot and publishes it. */
import type { View } from '@slack/types';
import type { HomeSnapshot, HomeViewsPort } from '../app/home-outbox';
import { homeView } from './blocks/home-view';
import { effect } from './slack-gateway';
import type { SlackClients } from './web-clients';

export class HomeGateway implements HomeViewsPort {
  constructor(
    private readonly clients: SlackClients,
    private readonly timeZone: () => string,
  ) {}

  render(userId: string, snapshot: HomeSnapshot): View {
    return homeView(snapshot.decisions, this.timeZone(), {
      userId,
      overviews: snapshot.overviews,
      members: snapshot.members,
      now: snapshot.now,
    });
  }

  renderShared(snapshot: HomeSnapshot): View {
    return homeView(snapshot.decisions, this.timeZone());
  }

  async publish(userId: string, view: object): Promise<void> {
    await effect(() => this.clients.effects.views.publish({ user_id: userId, view: view as View }));
  }
}
