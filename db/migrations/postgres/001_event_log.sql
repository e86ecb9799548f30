-- The event log on PostgreSQL: the same columns and the same bytes as SQLite's 001_event_log.sql, so that a copied
-- log keeps its hashes. `at` and `payload` stay text: the hash covers the exact stored text, which jsonb and
-- timestamptz would normalise.
CREATE TABLE events (
  seq        bigint PRIMARY KEY CHECK (seq > 0),
  at         text   NOT NULL,
  actor      text   NOT NULL,
  type       text   NOT NULL,
  stream     text   NOT NULL,
  payload    text   NOT NULL,
  prev_hash  text   NOT NULL,
  hash       text   NOT NULL UNIQUE
);
CREATE INDEX events_stream ON events (stream, seq);
CREATE INDEX events_type ON events (type, seq);

-- Append-only: no row is changed or removed, whoever asks. The application role also lacks the privileges
-- (see docs/postgres.md); the triggers stop the owner's mistakes too.
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Each new event continues the chain: the next seq after the newest, linked to its hash. The appender computes
-- both under its lock; this refuses a writer that skipped the lock (a gap, a fork) rather than trusting it.
-- Rows inserted earlier by the same statement are visible here, so a group insert is checked row by row.
CREATE FUNCTION events_check_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  newest events%ROWTYPE;
BEGIN
  SELECT * INTO newest FROM events ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    IF NEW.seq <> 1 OR NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION 'the first event must be seq 1 linked to the genesis hash, not seq %', NEW.seq
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSIF NEW.seq <> newest.seq + 1 OR NEW.prev_hash <> newest.hash THEN
    RAISE EXCEPTION 'event % does not continue the chain at seq % (the next is %, linked to %)',
      NEW.seq, newest.seq, newest.seq + 1, newest.hash
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER events_link BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_check_link();

-- Every committed append wakes the replicas that follow the log (LISTEN patchcall_events); the payload is the new
-- head seq. Notifications are delivered at commit, in commit order, and a rolled-back append sends none.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('patchcall_events', (SELECT max(seq) FROM inserted)::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_appended AFTER INSERT ON events REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- Privileges: nobody but the owner by default; the application role may read and append, nothing else.
REVOKE ALL ON events FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN
    GRANT SELECT, INSERT ON events TO patchcall_app;
  END IF;
END;
$$;
