-- expect-rules: missing-lock-timeout
-- expect-verdict: safe
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN billing_email text;
COMMIT;
-- SET LOCAL ended with the transaction above
ALTER TABLE accounts ADD COLUMN billing_phone text;
