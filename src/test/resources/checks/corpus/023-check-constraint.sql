-- expect-rules: constraint-without-not-valid
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price_cents > 0);
