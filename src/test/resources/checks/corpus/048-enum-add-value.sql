-- expect-rules: enum-value-change
-- expect-verdict: safe
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'shipped';
