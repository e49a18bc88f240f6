-- expect-rules: truncate
-- expect-verdict: blocked
-- expect-rewrite: events
-- TRUNCATE gives the table new, empty storage (a new relfilenode).
SET lock_timeout = '2s';
TRUNCATE TABLE events RESTART IDENTITY;
