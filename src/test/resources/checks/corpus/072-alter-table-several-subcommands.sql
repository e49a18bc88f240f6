-- expect-rules: set-not-null
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE orders
    ADD COLUMN channel text,
    ALTER COLUMN note SET NOT NULL;
