-- expect-rules: set-not-null
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
