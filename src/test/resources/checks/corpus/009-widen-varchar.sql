-- expect-rules: change-column-type
-- expect-verdict: safe
-- Widening varchar is binary compatible: no rewrite, and the running version still fits; the text alone cannot tell, so the rule fires.
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN display_name TYPE varchar(100);
