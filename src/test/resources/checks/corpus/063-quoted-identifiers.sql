-- expect-rules: rename-column
-- expect-verdict: needs-expand-migrate-contract
-- A mixed-case name cannot be carried by a pipeline request: no recipe.
SET lock_timeout = '2s';
ALTER TABLE "users" RENAME COLUMN "display_name" TO "DisplayName";
