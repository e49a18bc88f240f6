-- expect-rules: drop-type
-- expect-verdict: needs-expand-migrate-contract
DROP TYPE legacy_priority;
