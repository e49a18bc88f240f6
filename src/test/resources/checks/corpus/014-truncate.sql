-- expect-rules: truncate
-- expect-verdict: blocked
-- (TRUNCATE gives events new, empty storage: data gone, not a rewrite)
-- TRUNCATE gives the table new, empty storage (a new relfilenode).
SET lock_timeout = '2s';
TRUNCATE TABLE events RESTART IDENTITY;
