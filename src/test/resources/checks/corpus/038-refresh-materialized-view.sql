-- expect-rules: refresh-materialized-view-non-concurrently
-- expect-verdict: safe
-- expect-rewrite: daily_revenue
-- The refresh fills new storage for the view (a new relfilenode) under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
REFRESH MATERIALIZED VIEW daily_revenue;
