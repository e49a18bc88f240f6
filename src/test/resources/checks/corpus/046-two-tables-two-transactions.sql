-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN timezone text;
COMMIT;
BEGIN;
ALTER TABLE orders ADD COLUMN gift_wrap boolean;
COMMIT;
