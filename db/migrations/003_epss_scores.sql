-- EPSS scores: caches of `source.imported` events whose batch carries an EPSS table (a daily file has ~300,000
-- rows). Rows are grouped by their CVE id without its last two digits ("CVE-2008-42" holds CVE-2008-4200…4299):
-- a few thousand inserts per file instead of one per row, and a lookup reads at most a hundred rows.
CREATE TABLE epss_imports (
  event_seq      INTEGER PRIMARY KEY REFERENCES events (seq),
  document       TEXT    NOT NULL,
  model_version  TEXT,
  score_date     TEXT,
  first_line     INTEGER NOT NULL
);

CREATE TABLE epss_buckets (
  bucket     TEXT    NOT NULL,
  event_seq  INTEGER NOT NULL REFERENCES epss_imports (event_seq),
  -- one row per line: cve,epss,percentile,row index in the file
  rows       TEXT    NOT NULL,
  PRIMARY KEY (bucket, event_seq)
) WITHOUT ROWID;
