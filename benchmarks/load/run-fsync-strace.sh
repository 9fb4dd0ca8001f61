#!/usr/bin/env bash
# --fsync proven with strace: runs the packaged collector with and without --fsync under
# `strace -f -c` (only the sync calls are traced, through seccomp, so the rest runs at full speed),
# puts the same wrk load on each, and prints requests answered, journal syncs from /metrics and the
# fdatasync/fsync/msync calls strace counted. Build first: mvn -B -DskipTests install
# Usage: [COLLECTOR_JAR=other.jar] benchmarks/load/run-fsync-strace.sh [seconds=10] [connections=16]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_RUN="${1:-10}"
CONNECTIONS="${2:-16}"
PORT=18090
WORK="$(mktemp -d /tmp/spool-fsync.XXXXXX)"
for tool in wrk strace; do
  command -v "$tool" >/dev/null || apt-get install -y "$tool" >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
done
java -cp "$ROOT/benchmarks/target/benchmarks.jar" io.spool.benchmarks.collector.LoadBodies "$WORK" 100 >/dev/null 2>&1

run() { # $1 label, $2.. collector flags
  local label="$1"; shift
  rm -rf "$WORK/journal"
  strace -f --seccomp-bpf -c -e trace=fdatasync,fsync,msync -o "$WORK/strace-$label.txt" \
    java -Xms1g -Xmx1g -jar "${COLLECTOR_JAR:-$ROOT/collector/target/spool-collector.jar}" --port "$PORT" --host 127.0.0.1 \
    --journal-dir "$WORK/journal" --write-key bench "$@" 2>"$WORK/collector-$label.log" &
  local pid=$!
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  local load=(env BODY_FILE="$WORK/batch-100.json" ENCODING= WRITE_KEY=bench wrk -t1 -c"$CONNECTIONS"
    -s "$ROOT/benchmarks/load/collector-batch.lua" "http://127.0.0.1:$PORT/v1/batch")
  "${load[@]}" -d5s >/dev/null 2>&1 # warm-up
  "${load[@]}" -d"${SECONDS_RUN}s" >"$WORK/wrk-$label.txt" 2>&1
  curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics-$label.txt"
  pkill -TERM -P "$pid" || true # the JVM (strace's child, whatever its jar is named), not strace: strace reports when it exits
  wait "$pid" || true
  local requests syncs calls
  requests=$(grep -E '^spool_collector_requests_total\{route="/v1/batch",status="200"\}' "$WORK/metrics-$label.txt" | awk '{print $2}')
  syncs=$(grep -E '^spool_journal_fsyncs_total' "$WORK/metrics-$label.txt" | awk '{print $2}')
  calls=$(awk '$NF=="fdatasync"{print $4}' "$WORK/strace-$label.txt"); calls="${calls:-0}"
  printf '%-8s %s req/s (measured window)  200s=%s  spool_journal_fsyncs_total=%s  fdatasync calls (strace)=%s  requests per sync=%s\n' \
    "$label" "$(awk '/Requests\/sec/{print $2}' "$WORK/wrk-$label.txt")" "$requests" "$syncs" "$calls" \
    "$(awk -v r="$requests" -v s="$syncs" 'BEGIN{ if (s > 0) printf "%.1f", r / s; else print "-" }')"
}
run default
run fsync --fsync
echo "strace tables, wrk output and logs: $WORK"
