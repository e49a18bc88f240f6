#!/usr/bin/env bash
# Crash harness: the packaged server, killed with SIGKILL at random moments and started again while releases with
# hooks and pipelines with backfills run, against a PostgreSQL (fsync on) and a mock Kubernetes API server that
# outlive it. Checks every release and pipeline reaches its end, no event is lost or recorded twice, no hook Job
# exists twice. ./mvnw verify runs a short variant (5 kills). Usage: bench/crash.sh [kills] [releases] [pipelines]
# (default: 50, 50, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashHarnessIT \
  -Dcrash.kills="${1:-50}" -Dcrash.releases="${2:-50}" -Dcrash.pipelines="${3:-5}" | grep '^CRASH' || true
grep -h 'Tests run' target/failsafe-reports/io.kubestead.faults.CrashHarnessIT.txt
