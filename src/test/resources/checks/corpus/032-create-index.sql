-- expect-rules: create-index-non-concurrently
-- expect-verdict: safe
SET lock_timeout = '2s';
CREATE INDEX orders_status_idx ON orders (status);
