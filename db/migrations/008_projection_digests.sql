-- A digest of each lookup table, recorded in the transaction that changed it (each import's projection batch and
-- each rebuild). Comparing it with a digest of the table as it is now tells a tampered or stale table from a
-- current one cheaply; `patchcall audit verify` also re-derives every table from the log and compares.
CREATE TABLE projection_digests (
  table_name  TEXT    NOT NULL PRIMARY KEY,
  rows        INTEGER NOT NULL,
  digest      TEXT    NOT NULL,
  -- the newest `source.imported` event the table had taken in when the digest was recorded
  event_seq   INTEGER NOT NULL
) WITHOUT ROWID;
