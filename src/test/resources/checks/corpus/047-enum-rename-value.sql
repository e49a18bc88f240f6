-- expect-rules: enum-value-change
-- expect-verdict: needs-expand-migrate-contract
ALTER TYPE order_status RENAME VALUE 'cancelled' TO 'canceled';
