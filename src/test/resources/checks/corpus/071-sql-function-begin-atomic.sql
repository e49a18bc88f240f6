-- expect-rules: none
-- expect-verdict: safe
-- SQL-standard bodies: the statement ends at END, not at the inner semicolons.
CREATE FUNCTION order_total_euros(o orders) RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT o.total_cents / 100.0;
END;
CREATE FUNCTION order_size(p_order bigint) RETURNS text LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT CASE WHEN count(*) > 10 THEN 'large' ELSE 'small' END FROM order_items WHERE order_id = p_order;
END;
