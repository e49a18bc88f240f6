-- expect-rules: none
-- expect-verdict: safe
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_idx ON orders (placed_at) WHERE shipped_at IS NULL;
