-- expect-rules: none
-- expect-verdict: safe
CREATE VIEW paid_orders AS
    SELECT o.id, o.user_id, o.total_cents, o.placed_at
    FROM orders o
    WHERE o.status = 'paid';
