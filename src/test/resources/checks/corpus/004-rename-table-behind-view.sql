-- expect-rules: none
-- expect-verdict: safe
-- The safe form of a table rename: the old name stays as a view until the next release.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE events RENAME TO activity_events;
-- the old name keeps working for the running version: a single-table view is updatable
CREATE VIEW events AS SELECT * FROM activity_events;
COMMIT;
