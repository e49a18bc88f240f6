-- expect-rules: unique-constraint-without-index
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE product_tags ADD PRIMARY KEY (product_id, tag);
