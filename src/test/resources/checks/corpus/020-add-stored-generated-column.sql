-- expect-rules: volatile-default
-- expect-verdict: safe
-- expect-rewrite: order_items
SET lock_timeout = '2s';
ALTER TABLE order_items
    ADD COLUMN line_total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) STORED;
