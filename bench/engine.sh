#!/usr/bin/env bash
# Engine benchmarks (not tests): abort latency with 500 active releases, and step lag with 1,000 releases
# progressing at once, both against the fabric8 mock API server (CRUD) and the embedded PostgreSQL.
# Usage: bench/engine.sh [AbortLatencyBench|ProgressLagBench]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
benches=${1:-AbortLatencyBench,ProgressLagBench}
./mvnw -q -B test -Dtest="$benches" -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-*.txt 2>/dev/null
