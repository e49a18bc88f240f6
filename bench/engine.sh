#!/usr/bin/env bash
# Engine benchmarks (not tests): abort latency with 500 active releases while every step worker waits on a 30 s
# metric call, step lag with 1,000 releases progressing at once, and two engines on one database over 2,000
# releases (double actions), against the fabric8 mock API server (CRUD) and the embedded PostgreSQL.
# Usage: bench/engine.sh [AbortLatencyBench|ProgressLagBench|TwoReplicasBench]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
benches=${1:-AbortLatencyBench,ProgressLagBench,TwoReplicasBench}
./mvnw -q -B test -Dtest="$benches" -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-*.txt 2>/dev/null
