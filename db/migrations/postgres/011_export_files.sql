-- The bytes of audit records waiting to be uploaded into Slack, as SQLite's 011_export_files.sql: the event log
-- names each file by its SHA-256 (decision.export-requested) and the bytes are inserted here in the same
-- transaction as that event, so whichever replica holds the upload's lease uploads exactly the bytes the log names.
-- Shared by the replicas (a replica's local copy keeps none). Rows are only ever inserted: a digest already present
-- is the same content, and the application role may not change or remove one.
CREATE TABLE export_files (
  sha256     text  PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content    bytea NOT NULL,
  created_at text  NOT NULL
);

REVOKE ALL ON export_files FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'patchcall_app') THEN
    GRANT SELECT, INSERT ON export_files TO patchcall_app;
  END IF;
END;
$$;
