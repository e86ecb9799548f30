-- Slack's user groups by handle, as Slack last listed them (usergroups.list, subteam_created / subteam_updated):
-- an escalation role named "@on-call" in rules/reminders.json is found here when the roster does not name it.
-- Coordination state, not product truth: the escalation event records whom it reached; losing these rows costs
-- one usergroups.list. Replaced in place, unlike events.
CREATE TABLE slack_usergroup_directory (
  group_id     TEXT PRIMARY KEY,
  handle       TEXT NOT NULL,
  name         TEXT NOT NULL,
  refreshed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX slack_usergroup_directory_handle ON slack_usergroup_directory (handle);
