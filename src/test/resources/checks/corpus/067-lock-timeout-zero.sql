-- expect-rules: missing-lock-timeout
-- expect-verdict: safe
-- 0 turns the timeout off.
SET lock_timeout = 0;
ALTER TABLE products ADD COLUMN barcode text;
