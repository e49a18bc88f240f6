-- expect-rules: cluster
-- expect-verdict: safe
-- expect-rewrite: orders
SET lock_timeout = '2s';
CLUSTER orders USING orders_pkey;
