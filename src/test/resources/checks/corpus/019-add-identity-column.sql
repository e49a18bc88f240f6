-- expect-rules: volatile-default
-- expect-verdict: safe
-- expect-rewrite: audit_log
SET lock_timeout = '2s';
ALTER TABLE audit_log ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
