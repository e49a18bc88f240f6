-- expect-rules: multiple-locks-in-transaction
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN timezone text;
ALTER TABLE orders ADD COLUMN gift_wrap boolean;
