-- expect-rules: rename-column, missing-lock-timeout
-- expect-verdict: needs-expand-migrate-contract
ALTER TABLE orders RENAME COLUMN note TO customer_note;
