-- expect-rules: foreign-key-without-not-valid
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE order_items
    ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);
