#!/usr/bin/env bash
# Measures the time from starting the packaged server to /q/health/ready (a first start with initdb, then a
# restart on the same data) and the idle RSS of the server and of its embedded PostgreSQL.
# Usage: bench/startup.sh   (after ./mvnw -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || ./mvnw -q -DskipTests package
port=${PORT:-18080}
data=$(mktemp -d)
export KUBESTEAD_DATA_DIR=$data QUARKUS_HTTP_PORT=$port

now_ms() { date +%s%3N; }
start_server() {
  local t0; t0=$(now_ms)
  java -jar "$jar" >>"$data/server.log" 2>&1 &
  pid=$!
  until curl -sf "localhost:$port/q/health/ready" >/dev/null; do sleep 0.02; done
  elapsed=$(( $(now_ms) - t0 ))
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

start_server; first=$elapsed
stop_server
start_server; second=$elapsed
sleep 10
jvm_rss=$(ps -o rss= -p "$pid")
pg_rss=$(ps -o rss= --ppid "$(pgrep -f "postgres -D $data" | head -1)" 2>/dev/null | awk '{s+=$1} END {print s+0}')
pg_main=$(ps -o rss= -p "$(pgrep -f "postgres -D $data" | head -1)" | tr -d ' ')
stop_server
rm -rf "$data"
echo "start to ready, first start (initdb): ${first} ms"
echo "start to ready, restart:              ${second} ms"
echo "idle RSS, server JVM:                 $(( jvm_rss / 1024 )) MiB"
echo "idle RSS, embedded PostgreSQL:        $(( (pg_rss + pg_main) / 1024 )) MiB (sum over its processes)"
