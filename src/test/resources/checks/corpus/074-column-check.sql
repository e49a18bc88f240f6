-- expect-rules: constraint-without-not-valid
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE products ADD COLUMN discount_pct integer CHECK (discount_pct BETWEEN 0 AND 100);
