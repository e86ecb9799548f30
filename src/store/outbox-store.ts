/**
 * The outbox's coordination tables (db/migrations/007): leases with an expiry, the card version Slack last
 * acknowledged, and the cached members of Slack user groups. None of it is truth; the event log is.
 */
import Database from 'better-sqlite3';
import { registerWriteSettings, settingsOf, writeTransaction } from './write-transaction';

export class OutboxStore {
  private readonly own?: Database.Database;
  /** The connection these rows are written through: like every writer, it takes the write lock up front and waits. */
  private readonly db: Database.Database;
  private readonly takeLease: Database.Statement;
  private readonly dropLease: Database.Statement;
  private readonly readVersion: Database.Statement;
  private readonly writeVersion: Database.Statement;
  private readonly readGroups: Database.Statement;
  private readonly readGroupsText: Database.Statement;
  private readonly writeGroup: Database.Statement;

  /**
   * Opens its own connection to the same file with `synchronous = NORMAL`: these rows need not survive a power
   * cut (losing them costs a repeated card update), and without an fsync per lease a click's ack does not wait
   * behind the outbox's bookkeeping. Events keep the main connection's full durability.
   */
  constructor(main: Database.Database) {
    let db = main;
    if (!main.memory) {
      db = this.own = new Database(main.name);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      registerWriteSettings(db, settingsOf(main));
    }
    this.db = db;
    // taken when free, expired, or already ours (renewal); one statement, so two processes cannot both win
    this.takeLease = db.prepare(
      `INSERT INTO outbox_leases (subject, holder, expires_at) VALUES (@subject, @holder, @expiresAt)
       ON CONFLICT (subject) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE outbox_leases.expires_at <= @now OR outbox_leases.holder = excluded.holder`,
    );
    this.dropLease = db.prepare('DELETE FROM outbox_leases WHERE subject = ? AND holder = ?');
    this.readVersion = db.prepare('SELECT version FROM outbox_card_versions WHERE decision_id = ? AND message_ts = ?');
    // never lowers a version: a slow worker finishing late cannot make an older rendering look current
    this.writeVersion = db.prepare(
      `INSERT INTO outbox_card_versions (decision_id, message_ts, version, sent_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (decision_id, message_ts) DO UPDATE SET version = excluded.version, sent_at = excluded.sent_at
       WHERE excluded.version > outbox_card_versions.version`,
    );
    this.readGroups = db.prepare('SELECT group_id, members FROM slack_usergroup_members');
    this.readGroupsText = db.prepare(
      "SELECT group_concat(group_id || ' ' || members, char(10)) AS text FROM slack_usergroup_members",
    );
    this.writeGroup = db.prepare(
      `INSERT INTO slack_usergroup_members (group_id, members, refreshed_at) VALUES (?, ?, ?)
       ON CONFLICT (group_id) DO UPDATE SET members = excluded.members, refreshed_at = excluded.refreshed_at`,
    );
  }

  close(): void {
    this.own?.close();
  }

  /** True when `holder` now holds the lease on `subject` until `now + ttlMs`. */
  lease(subject: string, holder: string, now: number, ttlMs: number): boolean {
    return writeTransaction(
      this.db,
      () => this.takeLease.run({ subject, holder, expiresAt: now + ttlMs, now }).changes === 1,
    );
  }

  release(subject: string, holder: string): void {
    writeTransaction(this.db, () => this.dropLease.run(subject, holder));
  }

  sentCardVersion(decisionId: string, messageTs: string): number {
    return (this.readVersion.get(decisionId, messageTs) as { version: number } | undefined)?.version ?? 0;
  }

  recordCardVersion(decisionId: string, messageTs: string, version: number, at: Date): void {
    writeTransaction(this.db, () => this.writeVersion.run(decisionId, messageTs, version, at.toISOString()));
  }

  groupMembers(): Record<string, string[]> {
    const rows = this.readGroups.all() as { group_id: string; members: string }[];
    return Object.fromEntries(rows.map((row) => [row.group_id, JSON.parse(row.members) as string[]]));
  }

  /**
   * The cached groups as one text (each group and its members): equal texts mean equal members, so a reader can
   * keep what it derived from them without parsing every member list again. Another process may write the cache.
   */
  groupMembersText(): string {
    return (this.readGroupsText.get() as { text: string | null }).text ?? '';
  }

  recordGroupMembers(groupId: string, members: string[], at: Date): void {
    writeTransaction(this.db, () =>
      this.writeGroup.run(groupId, JSON.stringify([...members].sort()), at.toISOString()),
    );
  }
}
