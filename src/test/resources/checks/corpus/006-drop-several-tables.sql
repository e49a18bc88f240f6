-- expect-rules: drop-table
-- expect-verdict: needs-expand-migrate-contract
-- One DROP TABLE of two tables: one finding per table.
SET lock_timeout = '2s';
DROP TABLE IF EXISTS audit_log, events;
