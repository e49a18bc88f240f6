-- expect-rules: add-column-not-null-without-default
-- expect-verdict: needs-expand-migrate-contract
SET lock_timeout = '2s';
ALTER TABLE products ADD COLUMN weight_grams integer NOT NULL;
