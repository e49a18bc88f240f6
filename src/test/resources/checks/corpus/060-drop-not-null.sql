-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE products ALTER COLUMN title DROP NOT NULL;
