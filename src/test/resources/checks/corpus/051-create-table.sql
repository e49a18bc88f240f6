-- expect-rules: none
-- expect-verdict: safe
CREATE TABLE coupons (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE,
    percent_off integer NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
    valid_until timestamptz
);
CREATE INDEX coupons_valid_until_idx ON coupons (valid_until);
