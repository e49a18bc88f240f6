-- expect-rules: none
-- expect-verdict: safe
-- SHARE UPDATE EXCLUSIVE: reads and writes go on, no lock_timeout needed
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;
