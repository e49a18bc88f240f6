-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE products ALTER COLUMN stock SET DEFAULT 10;
