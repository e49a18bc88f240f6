-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN tracking_number text;
