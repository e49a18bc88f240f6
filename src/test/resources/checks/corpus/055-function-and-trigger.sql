-- expect-rules: none
-- expect-verdict: safe
SET lock_timeout = '2s';
CREATE OR REPLACE FUNCTION log_order_change() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    -- a ';' inside the body must not end the statement
    INSERT INTO audit_log (table_name, row_id) VALUES (TG_TABLE_NAME, NEW.id);
    RETURN NEW;
END;
$body$;
CREATE TRIGGER orders_log_change AFTER INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION log_order_change();
