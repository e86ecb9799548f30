-- The Slack outbox's coordination state, as SQLite's 007_slack_outbox.sql: not product truth (what Slack should show
-- is derived from the event log), only who is bringing Slack there right now and what was last sent. Updated in
-- place, unlike events, so the application role may change these rows.

-- One replica at a time per subject (a decision): a lease with an expiry on the database's clock, so the replicas'
-- clocks need not agree. Free work is claimed with SELECT … FOR UPDATE SKIP LOCKED: claimers never wait on each
-- other, and a lease whose holder died is claimable again once it expires.
CREATE TABLE outbox_leases (
  subject     text        PRIMARY KEY,
  holder      text,
  expires_at  timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX outbox_leases_expiry ON outbox_leases (expires_at);

CREATE TABLE outbox_card_versions (
  decision_id text    NOT NULL,
  message_ts  text    NOT NULL,
  version     bigint  NOT NULL,
  sent_at     text    NOT NULL,
  PRIMARY KEY (decision_id, message_ts)
);

CREATE TABLE slack_usergroup_members (
  group_id     text PRIMARY KEY,
  members      text NOT NULL, -- JSON array of user ids
  refreshed_at text NOT NULL
);

REVOKE ALL ON outbox_leases, outbox_card_versions, slack_usergroup_members FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_leases, outbox_card_versions, slack_usergroup_members
      TO patchcall_app;
  END IF;
END;
$$;
