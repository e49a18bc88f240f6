#!/usr/bin/env bash
# Schema check benchmark (not a test): a check's time for a 200-table schema with 500 stable queries, end to end
# through the API, with its parts (reading the target, copying to the shadow, planning the queries).
# Usage: bench/checks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=CheckBench -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-checks.txt 2>/dev/null
