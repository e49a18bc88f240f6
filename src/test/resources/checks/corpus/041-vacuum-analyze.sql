-- expect-rules: none
-- expect-verdict: safe
VACUUM (ANALYZE) orders;
ANALYZE order_items;
