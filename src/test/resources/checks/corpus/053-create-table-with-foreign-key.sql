-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
CREATE TABLE shipments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    carrier text NOT NULL
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);
