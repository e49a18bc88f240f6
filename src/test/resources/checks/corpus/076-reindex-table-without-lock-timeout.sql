-- expect-rules: reindex-non-concurrently, missing-lock-timeout
-- expect-verdict: safe
REINDEX TABLE products;
