-- expect-rules: none
-- expect-verdict: safe
REINDEX INDEX CONCURRENTLY orders_user_id_idx;
REINDEX TABLE CONCURRENTLY order_items;
