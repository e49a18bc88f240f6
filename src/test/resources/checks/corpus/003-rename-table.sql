-- expect-rules: rename-table
-- expect-verdict: needs-expand-migrate-contract
SET lock_timeout = '2s';
ALTER TABLE events RENAME TO activity_events;
