-- expect-rules: none
-- expect-verdict: safe
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_revenue;
