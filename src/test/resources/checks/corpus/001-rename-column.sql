-- expect-rules: rename-column
-- expect-verdict: needs-expand-migrate-contract
-- Renaming a column in place breaks the version still running.
SET lock_timeout = '2s';
ALTER TABLE users RENAME COLUMN display_name TO full_name;
