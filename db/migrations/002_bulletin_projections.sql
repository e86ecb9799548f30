-- Caches derived from `source.imported` events; `patchcall projections rebuild` refills them from the log.
CREATE TABLE advisory_records (
  event_seq  INTEGER NOT NULL REFERENCES events (seq),
  id         TEXT    NOT NULL,
  record     TEXT    NOT NULL
);
CREATE INDEX advisory_records_id ON advisory_records (id, event_seq);

CREATE TABLE cve_records (
  event_seq  INTEGER NOT NULL REFERENCES events (seq),
  cve        TEXT    NOT NULL,
  format     TEXT    NOT NULL,
  record     TEXT    NOT NULL
);
CREATE INDEX cve_records_cve ON cve_records (cve, event_seq);

CREATE TABLE advisory_cves (
  advisory_id TEXT NOT NULL,
  cve         TEXT NOT NULL,
  PRIMARY KEY (advisory_id, cve)
) WITHOUT ROWID;
