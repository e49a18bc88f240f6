-- expect-rules: lock-table
-- expect-verdict: safe
SET lock_timeout = '2s';
BEGIN;
LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE;
UPDATE accounts SET plan = 'pro' WHERE plan = 'premium';
COMMIT;
