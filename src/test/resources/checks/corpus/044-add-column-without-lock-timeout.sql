-- expect-rules: missing-lock-timeout
-- expect-verdict: safe
ALTER TABLE users ADD COLUMN locale text;
