-- expect-rules: none
-- expect-verdict: safe
UPDATE orders SET coupon_code = upper(coupon_code) WHERE coupon_code IS NOT NULL AND id < 10000;
INSERT INTO accounts (name, plan) VALUES ('Kubestead demo', 'pro');
DELETE FROM events WHERE occurred_at < now() - interval '90 days';
