/**
 * Who holds each role now, without asking Slack while someone waits for an ack: the roster from the log, with
 * user groups expanded from a cache of their members. Slack refreshes the cache (subteam events, a periodic
 * refresh, and convening, which runs after its ack); a click reads it synchronously.
 */
import type Database from 'better-sqlite3';
import { resolveMembers } from '../decisions/apply-roster-event';
import { RosterEvents, type Role, type RoleMap } from '../decisions/decision-model';
import { OutboxStore } from '../store/outbox-store';
import type { AppContext } from './app-context';
import { SOURCE_IMPORTED } from './import-documents';
import { readRoster } from './roles-roster';

/** The Slack lookup behind the cache (usergroups.users.list). */
export interface UserGroupsPort {
  members(groupId: string): Promise<string[]>;
}

export interface MembershipLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export class RoleMembership {
  private readonly store: OutboxStore;
  private roster?: { seq: number; roles: RoleMap };
  /** The last resolution, kept while neither the roster nor the cached groups change (every click reads it). */
  private resolved?: { roles: RoleMap; groupsText: string; members: Record<Role, string[]> };
  private readonly rosterHead: Database.Statement;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ctx: AppContext,
    private readonly groups: UserGroupsPort,
    private readonly logger?: MembershipLogger,
  ) {
    this.store = new OutboxStore(ctx.db);
    // the last event that can change the roster: imports (a roster is one) and role changes, by the type index
    this.rosterHead = ctx.db.prepare('SELECT max(seq) AS seq FROM events WHERE type IN (?, ?)');
  }

  /** Each role's members as the log and the cached groups say now. Never waits on Slack. */
  current(): Record<Role, string[]> {
    const roles = this.roles();
    const groupsText = this.store.groupMembersText();
    if (this.resolved?.roles !== roles || this.resolved.groupsText !== groupsText)
      this.resolved = { roles, groupsText, members: resolveMembers(roles, this.store.groupMembers()) };
    return this.resolved.members;
  }

  /** The user groups the roster names. */
  groupIds(): string[] {
    return [...new Set(Object.values(this.roles()).flatMap((r) => r.groups))];
  }

  /** Asks Slack for the members of the roster's groups; a failed lookup keeps the cached members. */
  async refresh(groupIds = this.groupIds()): Promise<void> {
    await Promise.all(
      groupIds.map(async (groupId) => {
        try {
          this.store.recordGroupMembers(groupId, await this.groups.members(groupId), this.ctx.clock());
        } catch (error) {
          this.logger?.warn({ group: groupId, err: (error as Error).message }, 'user group lookup failed; cache kept');
        }
      }),
    );
  }

  /** A `subteam_updated` event carries the group's members; record them as they are. */
  groupUpdated(groupId: string, members: string[]): void {
    this.store.recordGroupMembers(groupId, members, this.ctx.clock());
  }

  /** A `subteam_members_changed` event carries who was added and removed. */
  groupMembersChanged(groupId: string, added: string[], removed: string[]): void {
    const before = this.store.groupMembers()[groupId] ?? [];
    const after = [...new Set([...before.filter((id) => !removed.includes(id)), ...added])];
    this.store.recordGroupMembers(groupId, after, this.ctx.clock());
  }

  /** Refreshes every `intervalMs`; the timer never keeps the process alive. */
  startPeriodicRefresh(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  /** Stops the periodic refresh; `close` also lets go of the cache's connection. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.store.close();
  }

  /** The roles as the roster states them (users and groups), read again only after an import or a role change. */
  roles(): RoleMap {
    const head = (this.rosterHead.get(SOURCE_IMPORTED, RosterEvents.assigned) as { seq: number | null }).seq ?? 0;
    if (this.roster?.seq !== head) this.roster = { seq: head, roles: readRoster(this.ctx).roles };
    return this.roster.roles;
  }
}
