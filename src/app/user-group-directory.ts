/**
 * Slack's user groups by handle, cached so that an escalation to "@on-call" is resolved without asking Slack while
 * the scheduler writes it: usergroups.list fills the cache (at start and with the membership refresh), and
 * `subteam_created` / `subteam_updated` keep it fresh. Like the members cache (./role-membership.ts) it is
 * coordination state; the escalation event records whom it reached.
 */
import type { GroupDirectory } from '../decisions/escalation-reach';
import { UserGroupDirectoryStore, type ListedGroup } from '../store/usergroup-directory-store';
import type { AppContext } from './app-context';

export type { ListedGroup };

/** The Slack lookup behind the cache (usergroups.list: the enabled groups). */
export interface UserGroupListPort {
  list?(): Promise<ListedGroup[]>;
}

export class UserGroupDirectory {
  private readonly store: UserGroupDirectoryStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly port: UserGroupListPort = {},
  ) {
    this.store = new UserGroupDirectoryStore(ctx.db);
  }

  /** The cache as the escalation reads it; not known until Slack has listed at least one group. */
  read(): GroupDirectory {
    const groups = this.store.groups();
    return { byHandle: Object.fromEntries(groups.map((g) => [g.handle, g.id])), known: groups.length > 0 };
  }

  /** Asks Slack for every enabled group; a failure leaves the cache as it was (the caller logs it). */
  async refresh(): Promise<void> {
    if (!this.port.list) return;
    this.store.replaceAll(await this.port.list(), this.ctx.clock());
  }

  /** A `subteam_created` or `subteam_updated` event described the group (a disabled one is dropped). */
  described(group: ListedGroup, enabled: boolean): void {
    this.store.record(group, enabled, this.ctx.clock());
  }
}
