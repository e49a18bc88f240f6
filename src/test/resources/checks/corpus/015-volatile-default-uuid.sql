-- expect-rules: volatile-default
-- expect-verdict: safe
-- expect-rewrite: orders
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
