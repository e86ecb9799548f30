/**
 * Slack user-group members shared by the replicas (db/migrations/postgres/007, `slack_usergroup_members`). Slack
 * sends `subteam_updated` to one connection only, so the replica that hears of a change writes the members here and
 * NOTIFYs; every replica reads the row and updates its own cache, so when two publish at once all end on the one
 * committed last. Coordination, not truth: a lost notification costs a stale cache until the periodic refresh, and
 * on reconnect a replica reads every row again.
 */
import type pg from 'pg';
import { connectClient } from './pg-pool';

export const USERGROUP_CHANNEL = 'patchcall_usergroups';

export type GroupChange = (groupId: string, members: string[]) => void;

export class PgUsergroups {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<GroupChange>();
  private stopped = false;
  private onError: (error: unknown) => void = () => undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  /** Records a group's members as Slack gave them, and tells the other replicas (NOTIFY is sent at commit). */
  async publish(groupId: string, members: readonly string[], at: Date): Promise<void> {
    await this.pool.query(
      `WITH recorded AS (
         INSERT INTO slack_usergroup_members (group_id, members, refreshed_at) VALUES ($1, $2, $3)
         ON CONFLICT (group_id) DO UPDATE SET members = excluded.members, refreshed_at = excluded.refreshed_at
         RETURNING group_id)
       SELECT pg_notify($4, $5) FROM recorded`,
      [groupId, JSON.stringify(members), at.toISOString(), USERGROUP_CHANNEL, groupId],
    );
  }

  /** LISTENs from now on (a replica starts it at open, so nothing published after its open is missed). */
  start(onError?: (error: unknown) => void): Promise<void> {
    if (onError) this.onError = onError;
    return this.listen();
  }

  /** Calls `onChange` with each group any replica published, as the row reads now; returns the unsubscribe. */
  subscribe(onChange: GroupChange): () => void {
    this.listeners.add(onChange);
    return () => void this.listeners.delete(onChange);
  }

  async close(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = connectClient(this.url);
    client.on('notification', (message) => {
      // its own too: replicas publishing at once all end on the row as last committed
      if (message.channel === USERGROUP_CHANNEL && message.payload) void this.deliver(message.payload);
    });
    client.on('error', (error) => {
      this.onError(error);
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${USERGROUP_CHANNEL}`);
    this.client = client;
  }

  private async deliver(groupId?: string): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ group_id: string; members: string }>(
        groupId === undefined
          ? 'SELECT group_id, members FROM slack_usergroup_members'
          : 'SELECT group_id, members FROM slack_usergroup_members WHERE group_id = $1',
        groupId === undefined ? [] : [groupId],
      );
      for (const row of rows)
        for (const listener of this.listeners) listener(row.group_id, JSON.parse(row.members) as string[]);
    } catch (error) {
      this.onError(error);
    }
  }

  private async reconnect(broken: pg.Client): Promise<void> {
    if (this.stopped || this.client !== broken) return;
    this.client = undefined;
    await broken.end().catch(() => undefined);
    while (!this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      try {
        await this.listen();
        // what was published while disconnected
        await this.deliver();
        return;
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
