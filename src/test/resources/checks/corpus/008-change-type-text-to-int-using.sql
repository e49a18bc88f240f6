-- expect-rules: change-column-type
-- expect-verdict: needs-expand-migrate-contract
-- expect-rewrite: products
SET lock_timeout = '2s';
ALTER TABLE products ALTER COLUMN sku SET DATA TYPE integer USING sku::integer;
