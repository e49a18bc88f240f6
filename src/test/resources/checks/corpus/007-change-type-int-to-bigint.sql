-- expect-rules: change-column-type
-- expect-verdict: needs-expand-migrate-contract
-- expect-rewrite: order_items
SET lock_timeout = '2s';
ALTER TABLE order_items ALTER COLUMN quantity TYPE bigint;
