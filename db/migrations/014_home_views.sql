-- Coordination state of the App Home publisher, not product truth: each person's Home is derived from the event
-- log, and this row only says what was last published to them (a digest of the view) and from which log head.
-- Losing it costs one repeated views.publish per person, never an event. Updated in place, unlike events.
CREATE TABLE home_views_published (
  user_id      TEXT    PRIMARY KEY,
  digest       TEXT    NOT NULL, -- sha256 of the published view; '' asks for a fresh publish
  log_seq      INTEGER NOT NULL, -- the event log's head the view was derived from
  published_at TEXT    NOT NULL
) WITHOUT ROWID;
