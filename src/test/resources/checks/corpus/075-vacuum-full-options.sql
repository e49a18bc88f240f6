-- expect-rules: vacuum-full
-- expect-verdict: safe
-- expect-rewrite: order_items
SET lock_timeout = '2s';
VACUUM (FULL, ANALYZE) order_items;
