-- expect-rules: change-column-type
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN coupon_code TYPE text;
