-- expect-rules: none
-- expect-verdict: safe
-- A type created by the migration itself is nobody else's yet.
CREATE TYPE shipment_carrier AS ENUM ('ups', 'dhl');
ALTER TYPE shipment_carrier ADD VALUE 'fedex';
