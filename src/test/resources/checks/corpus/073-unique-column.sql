-- expect-rules: unique-constraint-without-index
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN slug text UNIQUE;
