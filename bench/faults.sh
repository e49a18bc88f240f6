#!/usr/bin/env bash
# Fault harness, full run: releases through a Kubernetes API server that answers 20% of requests with 500, holds 5%
# past the client's timeout and resets 3% of connections (watches included); aborts requested during the faults. CI
# runs the same test with 6 releases and 3 aborts.
# Usage: bench/faults.sh [releases] [aborts]   (default: 40 and 20)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=ClusterFaultsTest -Dfaults.releases="${1:-40}" -Dfaults.aborts="${2:-20}" \
  -Dsurefire.failIfNoSpecifiedTests=false | grep '^FAULTS' || true
grep -h 'Tests run' target/surefire-reports/io.kubestead.faults.ClusterFaultsTest.txt
