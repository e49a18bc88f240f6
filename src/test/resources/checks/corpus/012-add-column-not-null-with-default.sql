-- expect-rules: none
-- expect-verdict: safe
-- A constant default is stored once (PostgreSQL 11+): no rewrite, and old INSERTs get the default.
SET lock_timeout = '2s';
ALTER TABLE products ADD COLUMN is_active boolean NOT NULL DEFAULT true;
