#!/usr/bin/env bash
# The collector's load figures: 100-event batches (~390 B events), plain and gzip, sent by wrk to
#   1. the ceiling: an Undertow server that reads the body and answers 200, no parsing, no storing
#   2. the Spool collector (java -jar collector/target/spool-collector.jar), which parses, stores, then answers
# in the same run, and the CPU each side used. Build first (from the repository root):
#   mvn -B -DskipTests install && (or: mvn -pl collector install; mvn -pl benchmarks package)
# Usage: benchmarks/load/run-collector-load.sh [duration_seconds=20] [connections=16]
#   env: WARMUP=30 (seconds of load before each measurement: the JIT needs it), WRK_THREADS=1
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-20}"
CONNECTIONS="${2:-16}"
THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-30}"
PORT_CEILING=18089
PORT_COLLECTOR=18088
KEY=bench
COLLECTOR_JAR="$ROOT/collector/target/spool-collector.jar"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
LUA="$ROOT/benchmarks/load/collector-batch.lua"
JAVA_OPTS=(-Xms1g -Xmx1g)
WORK="$(mktemp -d /tmp/spool-collector-load.XXXXXX)"
CLK_TCK="$(getconf CLK_TCK)"

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
for jar in "$COLLECTOR_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (see the header of this script)" >&2; exit 1; }
done

java -cp "$BENCH_JAR" io.spool.benchmarks.collector.LoadBodies "$WORK" 100 >&2
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

await_port() {
  local port=$1
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/health"; then return 0; fi
    sleep 0.1
  done
  echo "server on port $port did not come up" >&2; exit 1
}

# run_wrk <port> <body file> <encoding> <label>: prints one markdown table row
run_wrk() {
  local port=$1 body=$2 encoding=$3 label=$4
  local url="http://127.0.0.1:$port/v1/batch"
  BODY_FILE="$body" ENCODING="$encoding" WRITE_KEY="$KEY" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$url" >/dev/null
  local before; before=$(cpu_ticks "$SERVER_PID")
  local out
  out=$(BODY_FILE="$body" ENCODING="$encoding" WRITE_KEY="$KEY" \
    /usr/bin/time -f "WRKCPU %U %S" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url" 2>&1)
  local after; after=$(cpu_ticks "$SERVER_PID")
  local result; result=$(grep '^RESULT' <<<"$out")
  local rps p50 p99 errors
  rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$result")
  p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$result")
  p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$result")
  errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$result")
  local wrk_cpu; wrk_cpu=$(grep '^WRKCPU' <<<"$out" | awk '{print $2 + $3}')
  local server_cpu; server_cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN {printf "%.2f", t / hz / d}')
  local client_cpu; client_cpu=$(awk -v c="$wrk_cpu" -v d="$DURATION" 'BEGIN {printf "%.2f", c / d}')
  awk -v label="$label" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v s="$server_cpu" -v c="$client_cpu" -v e="$errors" \
    'BEGIN {printf "| %s | %.0f | %.0f | %.2f | %.2f | %s | %s | %s |\n", label, rps, rps * 100, p50 / 1000, p99 / 1000, s, c, e}'
}

echo "| server, body | requests/s | events/s | p50 ms | p99 ms | server CPU (cores) | wrk CPU (cores) | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"

java "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" io.spool.benchmarks.collector.CeilingServer "$PORT_CEILING" 2>"$WORK/ceiling.log" &
SERVER_PID=$!
await_port "$PORT_CEILING"
run_wrk "$PORT_CEILING" "$WORK/batch-100.json" "" "ceiling (read body, 200), plain"
run_wrk "$PORT_CEILING" "$WORK/batch-100.json.gz" "gzip" "ceiling (read body, 200), gzip"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

java "${JAVA_OPTS[@]}" -jar "$COLLECTOR_JAR" --port "$PORT_COLLECTOR" --journal-dir "$WORK/journal" --write-key "$KEY" \
  --min-free-disk 64MB 2>"$WORK/collector.log" &
SERVER_PID=$!
await_port "$PORT_COLLECTOR"
run_wrk "$PORT_COLLECTOR" "$WORK/batch-100.json" "" "Spool collector (parse, store, 200), plain"
run_wrk "$PORT_COLLECTOR" "$WORK/batch-100.json.gz" "gzip" "Spool collector (parse, store, 200), gzip"
echo >&2 "journal size after the run: $(du -sh "$WORK/journal" | cut -f1)"
kill "$SERVER_PID"
status=0; wait "$SERVER_PID" || status=$?
SERVER_PID=""
echo >&2 "collector exit status after SIGTERM: $status"
grep -v '^\s*$' "$WORK/collector.log" | tail -3 >&2
