-- Inventory caches derived from `source.imported` events of kind "inventory"; `patchcall audit rebuild` refills them.
-- inventory_views: what each import said about each host, in import order; inventory_assets: the merged current view.
CREATE TABLE inventory_views (
  event_seq  INTEGER NOT NULL REFERENCES events (seq),
  position   INTEGER NOT NULL,
  view       TEXT    NOT NULL,
  PRIMARY KEY (event_seq, position)
);

CREATE TABLE inventory_assets (
  id     TEXT    NOT NULL PRIMARY KEY,
  ord    INTEGER NOT NULL,
  name   TEXT    NOT NULL,
  asset  TEXT    NOT NULL
);
CREATE INDEX inventory_assets_name ON inventory_assets (name COLLATE NOCASE);
