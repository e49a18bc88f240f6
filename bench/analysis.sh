#!/usr/bin/env bash
# Analysis benchmark (not a test): time from a failing measurement to the canary's weight 0 at the API server.
# Usage: bench/analysis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=AnalysisAbortBench -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-analysis-abort.txt
