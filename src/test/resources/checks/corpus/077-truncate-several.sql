-- expect-rules: truncate, multiple-locks-in-transaction
-- expect-verdict: blocked
-- (TRUNCATE gives audit_log, events new, empty storage: data gone, not a rewrite)
SET lock_timeout = '2s';
TRUNCATE audit_log;
TRUNCATE events;
