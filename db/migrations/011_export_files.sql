-- The bytes of audit records waiting to be uploaded into Slack by the outbox, by their SHA-256. The event log says
-- that an export was asked for and names each file by its digest (decision.export-requested); the bytes are kept
-- here, written in the same transaction as that event, so a retry after a crash or a lost reply uploads exactly the
-- bytes the log names. Rows are only ever inserted; a digest already present is the same content.
CREATE TABLE export_files (
  sha256     TEXT PRIMARY KEY,
  content    BLOB NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
