#!/usr/bin/env bash
# Backfill benchmark (not a test): a 1,000,000-row table while 8 writers update random rows, the single UPDATE
# versus Kubestead's backfill. Usage: bench/backfill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=BackfillBench -Dsurefire.failIfNoSpecifiedTests=false | grep -A6 '^BENCH' || true
cat target/bench-backfill.txt
