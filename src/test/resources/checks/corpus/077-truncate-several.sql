-- expect-rules: truncate, multiple-locks-in-transaction
-- expect-verdict: blocked
-- expect-rewrite: audit_log, events
SET lock_timeout = '2s';
TRUNCATE audit_log;
TRUNCATE events;
