-- The event log: the only source of truth. Append-only in code (append/read only) and here (triggers).
CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  at         TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  type       TEXT    NOT NULL,
  stream     TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL UNIQUE
);
CREATE INDEX events_stream ON events (stream, seq);
CREATE INDEX events_type ON events (type, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;
