-- expect-rules: none
-- expect-verdict: safe
-- now() is stable within the statement: one value for all rows, no rewrite.
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
