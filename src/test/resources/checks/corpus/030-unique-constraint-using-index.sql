-- expect-rules: none
-- expect-verdict: safe
CREATE UNIQUE INDEX CONCURRENTLY products_sku_idx ON products (sku);
SET lock_timeout = '2s';
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_idx;
