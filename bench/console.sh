#!/usr/bin/env bash
# Console benchmark (not a test): overview render time with 1,000 pipelines and 100,000 events.
# Usage: bench/console.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=OverviewRenderBench -Dsurefire.failIfNoSpecifiedTests=false | grep -A3 '^BENCH' || true
cat target/bench-console.txt
