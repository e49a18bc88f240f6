-- expect-rules: none
-- expect-verdict: safe
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN billing_email text;
COMMIT;
