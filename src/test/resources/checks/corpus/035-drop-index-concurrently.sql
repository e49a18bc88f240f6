-- expect-rules: none
-- expect-verdict: safe
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;
