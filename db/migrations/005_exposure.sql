-- Exposure inputs cached from `source.imported` events of kind "filters" and "network"; `patchcall audit rebuild`
-- refills them. The latest import of a filter name (per family set: edge.iptables-save and edge.ip6tables-save
-- are both "edge") replaces the earlier one; the latest network description is the current one.
CREATE TABLE exposure_filters (
  name       TEXT    NOT NULL,
  families   TEXT    NOT NULL,
  event_seq  INTEGER NOT NULL REFERENCES events (seq),
  filter     TEXT    NOT NULL,
  PRIMARY KEY (name, families)
) WITHOUT ROWID;

CREATE TABLE exposure_network (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  event_seq  INTEGER NOT NULL REFERENCES events (seq),
  network    TEXT    NOT NULL
);
