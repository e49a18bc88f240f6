-- expect-rules: vacuum-full
-- expect-verdict: safe
-- expect-rewrite: events
SET lock_timeout = '2s';
VACUUM FULL events;
