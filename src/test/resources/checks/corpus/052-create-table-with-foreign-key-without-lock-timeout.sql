-- expect-rules: missing-lock-timeout
-- expect-verdict: safe
-- The new table's foreign key takes SHARE ROW EXCLUSIVE on orders.
CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    carrier text NOT NULL,
    shipped_at timestamptz NOT NULL DEFAULT now()
);
