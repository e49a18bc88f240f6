-- expect-rules: foreign-key-without-not-valid
-- expect-verdict: safe
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE SET NULL;
