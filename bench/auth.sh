#!/usr/bin/env bash
# Token authentication cost (not a test): GET /api/v1/releases/{id} with an API token against the same read with
# no authentication, 8 clients, interleaved rounds, one run. Goal: token throughput >= 0.9 x unauthenticated.
# Usage: bench/auth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=AuthThroughputBench -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-auth.txt 2>/dev/null
