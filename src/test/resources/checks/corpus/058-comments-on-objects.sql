-- expect-rules: none
-- expect-verdict: safe
COMMENT ON TABLE orders IS 'One row per checkout; see order_items';
COMMENT ON COLUMN orders.total_cents IS 'Sum of the items; integer cents';
