-- expect-rules: none
-- expect-verdict: safe
-- The expand step of a rename: additive only.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN full_name varchar(50);
CREATE OR REPLACE FUNCTION users_sync_full_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.full_name IS NULL THEN
        NEW.full_name := NEW.display_name;
    ELSIF NEW.display_name IS NULL THEN
        NEW.display_name := NEW.full_name;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_sync_full_name BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_sync_full_name();
