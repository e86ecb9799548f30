-- Coordination state of the Slack outbox, not product truth: what Slack should show is derived from the event
-- log, and these rows only say who is bringing Slack there right now and what was last sent. Losing them costs a
-- repeated (idempotent) card update or a group lookup, never an event. They are updated in place, unlike events.

-- One worker at a time per subject (a decision): a lease with an expiry, taken and renewed with one conditional
-- upsert, so several processes sharing the database each drive different decisions.
CREATE TABLE outbox_leases (
  subject     TEXT    PRIMARY KEY,
  holder      TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL -- milliseconds since the epoch
) WITHOUT ROWID;

-- The newest rendering of each decision card Slack has acknowledged: the decision's card version (the sequence
-- number of the last event the card shows). An older rendering is never sent after a newer one.
CREATE TABLE outbox_card_versions (
  decision_id TEXT    NOT NULL,
  message_ts  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  sent_at     TEXT    NOT NULL,
  PRIMARY KEY (decision_id, message_ts)
) WITHOUT ROWID;

-- Members of Slack user groups as Slack last reported them (usergroups.users.list, subteam_* events): role checks
-- on clicks read this instead of asking Slack while the person waits for the ack.
CREATE TABLE slack_usergroup_members (
  group_id     TEXT PRIMARY KEY,
  members      TEXT NOT NULL, -- JSON array of user ids
  refreshed_at TEXT NOT NULL
) WITHOUT ROWID;
