-- What the App Home publisher last published to each person, as SQLite's 014_home_views.sql: coordination state,
-- not product truth (each Home is derived from the event log). Shared by the replicas, so that a change is published
-- once, not once per replica, a replica's start publishes nothing Slack already shows, and a replica whose copy lags
-- does not publish an older view over a newer one. Updated in place, unlike events.
CREATE TABLE home_views_published (
  user_id      text    PRIMARY KEY,
  digest       text    NOT NULL, -- sha256 of the published view; '' asks for a fresh publish
  log_seq      bigint  NOT NULL, -- the event log's head the view was derived from
  published_at text    NOT NULL
);

REVOKE ALL ON home_views_published FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN
    GRANT SELECT, INSERT, UPDATE ON home_views_published TO patchcall_app;
  END IF;
END;
$$;
