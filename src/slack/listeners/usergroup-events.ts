/**
 * Slack tells us when a user group changes; the membership cache takes it in, so role checks never ask Slack, and
 * the Homes of the people who joined or left a role's group are published again; the handle cache takes a group's
 * new or changed handle, so an escalation to it is resolved as Slack names it now.
 */
import type { App } from '@slack/bolt';
import type { DecisionServices } from './decision-services';

interface SubteamUpdated {
  subteam?: { id?: string; handle?: string; name?: string; users?: string[]; date_delete?: number };
}

interface SubteamMembersChanged {
  subteam_id?: string;
  added_users?: string[];
  removed_users?: string[];
}

export function registerUsergroupEvents(app: App, services: DecisionServices): void {
  const { membership, homes } = services.deps;
  // a group's handle (escalations name groups by it): created, renamed, or disabled
  const described = (subteam: SubteamUpdated['subteam']) => {
    if (subteam?.id && subteam.handle)
      membership.directory.described(
        { id: subteam.id, handle: subteam.handle, name: subteam.name ?? subteam.handle },
        !subteam.date_delete,
      );
  };
  app.event('subteam_created', async ({ event }) => described((event as SubteamUpdated).subteam));
  app.event('subteam_updated', async ({ event }) => {
    const subteam = (event as SubteamUpdated).subteam;
    described(subteam);
    // the event lists members only for small groups; otherwise ask Slack (events are acked before listeners run)
    if (subteam?.id && subteam.users) membership.groupUpdated(subteam.id, subteam.users);
    else if (subteam?.id) await membership.refresh([subteam.id]);
    homes.nudge();
  });
  app.event('subteam_members_changed', async ({ event }) => {
    const change = event as SubteamMembersChanged;
    if (change.subteam_id)
      membership.groupMembersChanged(change.subteam_id, change.added_users ?? [], change.removed_users ?? []);
    homes.nudge();
  });
}
