-- expect-rules: reindex-non-concurrently
-- expect-verdict: safe
SET lock_timeout = '2s';
REINDEX INDEX orders_user_id_idx;
