-- expect-rules: none
-- expect-verdict: safe
-- Everything here touches a table made two statements before: nothing to lock, nobody to break.
CREATE TABLE wishlists (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner bigint,
    title text
);
ALTER TABLE wishlists RENAME COLUMN owner TO user_id;
ALTER TABLE wishlists ADD COLUMN created_at timestamptz NOT NULL;
ALTER TABLE wishlists ALTER COLUMN title TYPE varchar(200);
ALTER TABLE wishlists ALTER COLUMN user_id SET NOT NULL;
CREATE INDEX wishlists_user_id_idx ON wishlists (user_id);
ALTER TABLE wishlists ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
