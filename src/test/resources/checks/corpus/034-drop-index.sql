-- expect-rules: drop-index-non-concurrently
-- expect-verdict: safe
SET lock_timeout = '2s';
DROP INDEX orders_user_id_idx;
