-- expect-rules: change-column-type
-- expect-verdict: needs-expand-migrate-contract
-- expect-rewrite: order_items
SET lock_timeout = '2s';
ALTER TABLE public.order_items ALTER COLUMN unit_price_cents TYPE numeric(12, 2) USING unit_price_cents / 100.0;
