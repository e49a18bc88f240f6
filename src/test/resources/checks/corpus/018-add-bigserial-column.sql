-- expect-rules: volatile-default
-- expect-verdict: safe
-- expect-rewrite: products
SET lock_timeout = '2s';
ALTER TABLE products ADD COLUMN position bigserial;
