-- expect-rules: missing-lock-timeout
-- expect-verdict: safe
-- CREATE TRIGGER takes SHARE ROW EXCLUSIVE on products.
CREATE FUNCTION products_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.stock := greatest(NEW.stock, 0);
    RETURN NEW;
END;
$$;
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION products_touch();
