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
import type { SharedGroups } from './replica-write';
import { readRoster } from './roles-roster';
import { UserGroupDirectory, type UserGroupListPort } from './user-group-directory';

/** The Slack lookups behind the caches (usergroups.users.list; usergroups.list for the groups' handles). */
export interface UserGroupsPort extends UserGroupListPort {
  members(groupId: string): Promise<string[]>;
}

export interface MembershipLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface MembershipOptions {
  /**
   * How long Slack's word that a person is not in a user group stands (a role check found them outside it, or a
   * `subteam_updated` event listed the group without them): meanwhile their clicks are refused before the ack
   * instead of costing another rate-limited lookup. Short, because Slack's event for a join may be late or lost.
   * Default 60 s.
   */
  answerTtlMs?: number;
}

const DEFAULT_ANSWER_TTL_MS = 60_000;

export class RoleMembership {
  private readonly store: OutboxStore;
  private roster?: { seq: number; roles: RoleMap };
  /** The last resolution, kept while neither the roster nor the cached groups change (every click reads it). */
  private resolved?: { roles: RoleMap; groupsText: string; members: Record<Role, string[]> };
  private readonly rosterHead: Database.Statement;
  private timer?: NodeJS.Timeout;
  /** One lookup per group at a time: everyone who needs the group meanwhile shares its answer. */
  private readonly inFlight = new Map<string, Promise<string[]>>();
  /** Per group: the log's head when Slack last gave its whole member list, and a count of what changed it since. */
  private readonly answers = new Map<string, { headSeq: number; changes: number }>();
  /** Per `user group`: when Slack last said the person is not in the group (this process's clock). */
  private readonly outside = new Map<string, number>();
  private readonly answerTtlMs: number;
  /** Slack's user groups by handle (escalations name them). */
  readonly directory: UserGroupDirectory;
  /** On a replica: what Slack told this one about a group goes to the others, and theirs comes here. */
  private readonly shared?: SharedGroups;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly groups: UserGroupsPort,
    private readonly logger?: MembershipLogger,
    options: MembershipOptions = {},
  ) {
    this.answerTtlMs = options.answerTtlMs ?? DEFAULT_ANSWER_TTL_MS;
    this.store = new OutboxStore(ctx.db);
    this.directory = new UserGroupDirectory(ctx, groups);
    // the last event that can change the roster: imports (a roster is one) and role changes, by the type index
    this.rosterHead = ctx.db.prepare('SELECT max(seq) AS seq FROM events WHERE type IN (?, ?)');
    this.shared = ctx.replica?.groups;
    this.unsubscribe = this.shared?.subscribe((groupId, members) => this.takeShared(groupId, members)) ?? (() => {});
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

  /**
   * Asks Slack for the members of the roster's groups (and, without `groupIds`, for the list of every group with
   * its handle); a failed lookup keeps what is cached.
   */
  async refresh(groupIds?: string[]): Promise<void> {
    await Promise.all([
      ...(groupIds ? [] : [this.refreshDirectory()]),
      ...(groupIds ?? this.groupIds()).map(async (groupId) => {
        try {
          await this.lookUp(groupId);
        } catch (error) {
          this.logger?.warn({ group: groupId, err: (error as Error).message }, 'user group lookup failed; cache kept');
        }
      }),
    ]);
  }

  private async refreshDirectory(): Promise<void> {
    try {
      await this.directory.refresh();
    } catch (error) {
      this.logger?.warn({ err: (error as Error).message }, 'usergroups.list failed; the cached handles kept');
    }
  }

  /**
   * Asks Slack for one group's members and records them in the cache. Single-flight: while a lookup of the group
   * is under way, callers get its answer instead of a second rate-limited call. An answer that one of Slack's
   * events has overtaken meanwhile is not recorded over it.
   */
  lookUp(groupId: string): Promise<string[]> {
    let flight = this.inFlight.get(groupId);
    if (!flight) {
      const changesBefore = this.answers.get(groupId)?.changes ?? 0;
      flight = this.groups
        .members(groupId)
        .then(async (members) => {
          // on a replica, settled once the other replicas can read it too
          if ((this.answers.get(groupId)?.changes ?? 0) === changesBefore) await this.answered(groupId, members);
          return members;
        })
        .finally(() => this.inFlight.delete(groupId));
      this.inFlight.set(groupId, flight);
    }
    return flight;
  }

  /**
   * Whether Slack gave the group's whole member list after the event `seq` was appended: a role check for a click
   * appended by then is settled from the cache, without a lookup of its own.
   */
  answeredSince(groupId: string, seq: number): boolean {
    return (this.answers.get(groupId)?.headSeq ?? -1) >= seq;
  }

  /** A role check found the person in none of these groups (they are not in the cache's lists, just answered). */
  foundOutside(userId: string, groupIds: string[]): void {
    const now = Date.now();
    for (const groupId of groupIds) this.outside.set(`${userId} ${groupId}`, now);
  }

  /** Whether Slack said a moment ago that the person is in none of these groups (then a click is refused at once). */
  knownOutside(userId: string, groupIds: string[]): boolean {
    const now = Date.now();
    return (
      groupIds.length > 0 &&
      groupIds.every((groupId) => now - (this.outside.get(`${userId} ${groupId}`) ?? -Infinity) < this.answerTtlMs)
    );
  }

  /** A `subteam_updated` event (or a lookup) carries the group's members; record them as they are. */
  groupUpdated(groupId: string, members: string[]): void {
    void this.answered(groupId, members);
  }

  /** Records Slack's whole member list; a change goes to the other replicas (resolves once it has). */
  private answered(groupId: string, members: string[]): Promise<void> {
    const before = this.store.groupMembers()[groupId];
    this.recordAnswer(groupId, members);
    const changed = !before || before.length !== members.length || !before.every((id) => members.includes(id));
    return changed ? this.share(groupId, members) : Promise.resolve();
  }

  /** Slack's whole member list of a group, as this replica heard it. */
  private recordAnswer(groupId: string, members: string[]): void {
    this.store.recordGroupMembers(groupId, members, this.ctx.clock());
    this.answers.set(groupId, {
      headSeq: this.ctx.events.head().seq,
      changes: (this.answers.get(groupId)?.changes ?? 0) + 1,
    });
    // Slack's word on who is outside the group is renewed for those still outside, and gone for those now in it
    const now = Date.now();
    const inGroup = new Set(members);
    for (const key of this.outside.keys()) {
      const [userId, group] = key.split(' ');
      if (group !== groupId) continue;
      if (inGroup.has(userId!)) this.outside.delete(key);
      else this.outside.set(key, now);
    }
  }

  /**
   * A group as the replicas last published it. It places people in roles, but it is no fresh answer of Slack's: a
   * role check still asks (it may be older than the click), and nobody is held outside the group on its word.
   */
  private takeShared(groupId: string, members: string[]): void {
    this.store.recordGroupMembers(groupId, members, this.ctx.clock());
    for (const userId of members) this.outside.delete(`${userId} ${groupId}`);
  }

  /** A `subteam_members_changed` event carries who was added and removed. */
  groupMembersChanged(groupId: string, added: string[], removed: string[]): void {
    const before = this.store.groupMembers()[groupId] ?? [];
    const after = [...new Set([...before.filter((id) => !removed.includes(id)), ...added])];
    this.store.recordGroupMembers(groupId, after, this.ctx.clock());
    void this.share(groupId, after);
    for (const userId of added) this.outside.delete(`${userId} ${groupId}`);
    // newer than a lookup under way: its answer is not recorded over this change
    const answer = this.answers.get(groupId);
    this.answers.set(groupId, { headSeq: answer?.headSeq ?? -1, changes: (answer?.changes ?? 0) + 1 });
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
    this.unsubscribe();
    this.store.close();
  }

  private async share(groupId: string, members: string[]): Promise<void> {
    await this.shared
      ?.publish(groupId, members, this.ctx.clock())
      .catch((error: Error) =>
        this.logger?.warn(
          { group: groupId, err: error.message },
          'user group change not shared with the other replicas',
        ),
      );
  }

  /** The roles as the roster states them (users and groups), read again only after an import or a role change. */
  roles(): RoleMap {
    const head = (this.rosterHead.get(SOURCE_IMPORTED, RosterEvents.assigned) as { seq: number | null }).seq ?? 0;
    if (this.roster?.seq !== head) this.roster = { seq: head, roles: readRoster(this.ctx).roles };
    return this.roster.roles;
  }
}
