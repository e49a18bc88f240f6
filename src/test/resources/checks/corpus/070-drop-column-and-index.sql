-- expect-rules: drop-column, drop-index-non-concurrently, multiple-locks-in-transaction
-- expect-verdict: needs-expand-migrate-contract
SET lock_timeout = '2s';
ALTER TABLE users DROP COLUMN legacy_flags;
DROP INDEX orders_user_id_idx;
