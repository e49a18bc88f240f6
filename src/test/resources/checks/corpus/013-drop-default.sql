-- expect-rules: drop-default
-- expect-verdict: needs-expand-migrate-contract
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN plan DROP DEFAULT;
