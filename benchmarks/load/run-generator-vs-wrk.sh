#!/usr/bin/env bash
# Is the load generator (io.spool.benchmarks.load.LoadGenerator) fast enough not to be the bottleneck?
# Both it and wrk send the same 100-event batches flat out to the ceiling server (Undertow that reads
# the body and answers 200, io.spool.benchmarks.collector.CeilingServer), alternating, ROUNDS times;
# prints requests/s and the CPU each client used. The generator is good enough where it reaches wrk's
# rate against the ceiling, which is several times what the collector takes (BENCHMARKS.md).
# Build first: mvn -B -DskipTests package (or mvn -pl benchmarks -am package -DskipTests)
# Usage: benchmarks/load/run-generator-vs-wrk.sh [seconds=10] [rounds=2] [connections=16]   env: WARMUP=10
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_EACH="${1:-10}"
ROUNDS="${2:-2}"
CONNECTIONS="${3:-16}"
WARMUP="${WARMUP:-10}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
LUA="$ROOT/benchmarks/load/collector-batch.lua"
WORK="$(mktemp -d /tmp/spool-generator-check.XXXXXX)"
PORT=$((20000 + RANDOM % 20000))

[[ -f "$BENCH_JAR" ]] || { echo "missing $BENCH_JAR: build first (see the header of this script)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
java -cp "$BENCH_JAR" io.spool.benchmarks.collector.LoadBodies "$WORK" 100 >&2
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

java -Xms1g -Xmx1g -cp "$BENCH_JAR" io.spool.benchmarks.collector.CeilingServer "$PORT" 2>"$WORK/ceiling.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
# warm the server's JIT once, with wrk
BODY_FILE="$WORK/batch-100.json" WRITE_KEY=bench wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "http://127.0.0.1:$PORT/v1/batch" >/dev/null

echo "| round | client | requests/s | client CPU (cores) | p50 ms | p99 ms | load average |"
echo "|---:|---|---:|---:|---:|---:|---|"
for round in $(seq 1 "$ROUNDS"); do
  out=$(BODY_FILE="$WORK/batch-100.json" WRITE_KEY=bench /usr/bin/time -f "CPU %U %S" \
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$LUA" "http://127.0.0.1:$PORT/v1/batch" 2>&1)
  awk -v r="$round" -v d="$SECONDS_EACH" -v la="$(cut -d' ' -f1 /proc/loadavg)" '
    /^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    /^CPU/ { cpu = ($2 + $3) / d }
    END { printf "| %d | wrk (1 thread) | %.0f | %.2f | %.2f | %.2f | %s |\n", r, v["rps"], cpu, v["p50_us"] / 1000, v["p99_us"] / 1000, la }' <<<"$out"
  # the generator's own JVM warms up first (-w), so its figures are the measured part only
  java -Xmx512m -cp "$BENCH_JAR" io.spool.benchmarks.load.LoadGenerator --url "http://127.0.0.1:$PORT" -c "$CONNECTIONS" \
    -d "${SECONDS_EACH}s" -w "${WARMUP}s" --json "$WORK/gen.json" >/dev/null 2>&1
  awk -v r="$round" -v la="$(cut -d' ' -f1 /proc/loadavg)" '
    /"requests_per_second"/ { gsub(/[^0-9.]/, "", $2); rps = $2 }
    /"process_cpu_cores"/ { gsub(/[^0-9.-]/, "", $2); cpu = $2 }
    /"latency_ms"/ { match($0, /"p50": [0-9.]+/); p50 = substr($0, RSTART + 7, RLENGTH - 7); match($0, /"p99": [0-9.]+/); p99 = substr($0, RSTART + 7, RLENGTH - 7) }
    END { printf "| %d | LoadGenerator (%s connections, a thread each) | %.0f | %.2f | %.2f | %.2f | %s |\n", r, '"$CONNECTIONS"', rps, cpu, p50, p99, la }' "$WORK/gen.json"
done
