#!/usr/bin/env bash
# Issue 10's latency goal: p99 under 10 ms at half the collector's maximum rate, from the fixed-rate load
# generator (LoadGenerator: latency from each request's intended send time, so coordinated omission is
# corrected). For each round and each jar (COLLECTOR_JAR, then BASELINE_JAR when set), a fresh collector
# (java -jar, fresh journal) is
#   1. warmed flat out for WARM seconds, not measured: its JIT needs ~20 s to reach full speed, and a
#      fixed rate from a cold start piles up late requests that the measured window then pays for;
#   2. measured flat out for DURATION seconds: that run's maximum;
#   3. measured at a fixed rate of FRACTION (0.5) of that maximum for DURATION seconds (RATE=N fixes it).
# Prints one line per measurement (events/s, p50/p99/p99.9/max ms, the generator's own lag p99, errors) and
# keeps each run's JSON summary (with its per-second p50/p99) in OUT.
#
#   flock -o /tmp/spool-build.lock benchmarks/load/run-latency.sh [rounds=3]
#   env: COLLECTOR_JAR, BASELINE_JAR, CONNECTIONS=16, BATCH=100, GZIP=1 (gzip bodies), WARM=25,
#        DURATION=20, FRACTION=0.5, RATE (events/s; overrides FRACTION), OUT, JAVA_OPTS (collector JVM)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-3}"
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/spool-collector.jar}"
BASELINE_JAR="${BASELINE_JAR:-}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
CONNECTIONS="${CONNECTIONS:-16}"
BATCH="${BATCH:-100}"
WARM="${WARM:-25}"
DURATION="${DURATION:-20}"
FRACTION="${FRACTION:-0.5}"
RATE="${RATE:-}"
OUT="${OUT:-${TMPDIR:-/tmp}/spool-latency-$(date -u +%Y%m%dT%H%M%S)}"
read -r -a JVM <<<"${JAVA_OPTS:--Xms1g -Xmx1g}"
PORT=18079
GZ=()
[[ "${GZIP:-0}" == 1 ]] && GZ=(--gzip)
for jar in "$COLLECTOR_JAR" "$BENCH_JAR" ${BASELINE_JAR:+"$BASELINE_JAR"}; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (mvn -B -DskipTests install)" >&2; exit 1; }
done
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/spool-latency.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

generate() { # json-file rate duration warmup
  java -cp "$BENCH_JAR" io.spool.benchmarks.load.LoadGenerator --url "http://127.0.0.1:$PORT" -c "$CONNECTIONS" \
      -b "$BATCH" "${GZ[@]}" -r "$2" -d "$3" -w "$4" --json "$1" > /dev/null 2> "$1.progress"
}

summary() { # label json-file
  python3 - "$1" "$2" <<'EOF'
import json, sys
label, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
l = r["latency_ms"]
lag = r.get("own_lag_ms", {}).get("p99")
print(f"{label:28} {r['events_per_second']:>10,.0f} ev/s  p50 {l['p50']:7.2f}  p99 {l['p99']:7.2f}  "
      f"p99.9 {l['p99_9']:7.2f}  max {l['max']:7.1f} ms  own lag p99 {lag if lag is not None else '-':>6}  "
      f"errors {r['errors']}  behind {r['behind']}")
EOF
}

for round in $(seq 1 "$ROUNDS"); do
  for jar in "$COLLECTOR_JAR" ${BASELINE_JAR:+"$BASELINE_JAR"}; do
    name=$([[ "$jar" == "$COLLECTOR_JAR" ]] && echo new || echo baseline)
    rm -rf "$WORK/journal"
    java "${JVM[@]}" -jar "$jar" --port "$PORT" --host 127.0.0.1 --journal-dir "$WORK/journal" \
        --write-key bench --min-free-disk 64MB > "$WORK/collector.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.1; done
    generate "$WORK/warm.json" 0 "${WARM}s" 0s
    generate "$OUT/$name-$round-max.json" 0 "${DURATION}s" 3s
    summary "$name round $round flat out" "$OUT/$name-$round-max.json"
    rate="$RATE"
    if [[ -z "$rate" ]]; then
      rate=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['events_per_second'] * float(sys.argv[2])))" \
          "$OUT/$name-$round-max.json" "$FRACTION")
    fi
    generate "$OUT/$name-$round-rate.json" "$rate" "${DURATION}s" 3s
    summary "$name round $round at $rate" "$OUT/$name-$round-rate.json"
    kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
  done
done
echo "JSON summaries (with per-second p50/p99): $OUT" >&2
