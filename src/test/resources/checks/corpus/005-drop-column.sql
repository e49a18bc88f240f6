-- expect-rules: drop-column
-- expect-verdict: needs-expand-migrate-contract
SET lock_timeout = '2s';
ALTER TABLE users DROP COLUMN legacy_flags;
