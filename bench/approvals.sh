#!/usr/bin/env bash
# Approval benchmarks (not tests): a signed Slack click -> the release's next canary weight at the Kubernetes API
# server, one click at a time over 200 releases waiting at an approval step; and outbox throughput, 1,000
# notifications (one per release) delivered to a local webhook by one instance.
# Usage: bench/approvals.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=ApprovalBench -Dsurefire.failIfNoSpecifiedTests=false | grep '^BENCH' || true
cat target/bench-approvals.txt 2>/dev/null
