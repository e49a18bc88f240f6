-- expect-rules: unique-constraint-without-index
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
