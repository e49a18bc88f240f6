-- expect-rules: volatile-default
-- expect-verdict: safe
-- expect-rewrite: events
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN received_at timestamptz NOT NULL DEFAULT clock_timestamp();
