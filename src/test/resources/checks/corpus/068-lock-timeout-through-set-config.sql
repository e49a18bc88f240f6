-- expect-rules: none
-- expect-verdict: safe
SELECT set_config('lock_timeout', '2s', false);
ALTER TABLE products ADD COLUMN barcode text;
