#!/usr/bin/env bash
# The collector's load figures: 100-event batches (~390 B events), plain and gzip, sent by wrk to
#   1. the I/O-thread ceiling: Undertow that reads each body on its I/O thread and answers 200 there
#      (IoThreadCeilingServer: no dispatch, no parsing, no storing): what HTTP alone costs here
#   1b. the same with --store: each body, as received, also copied into a memory-mapped file with its next
#      pages touched ahead on a thread of its own (MappedStore): what storing alone costs here, the page
#      cache's new memory included (the collector's journal pays the same for its ~420 B an event)
#   2. the ceiling: Undertow that reads the body, dispatches to a worker thread and answers 200 there
#      (CeilingServer), as the collector used to be set up
#   3. the Spool collector (java -jar collector/target/spool-collector.jar), which parses, stores, then answers
#   4. with BASELINE_JAR=path, an older collector jar, for a before/after in the same run
# in the same run, with the CPU each side used and each server's ratio to both ceilings. Build first (from
# the repository root): mvn -B -DskipTests install (or: mvn -pl collector install; mvn -pl benchmarks package)
# Usage: benchmarks/load/run-collector-load.sh [duration_seconds=20] [connections=16]
#   env: WARMUP=30 (seconds of load before each measurement: the JIT needs it), WRK_THREADS=1,
#        ROUNDS=1 (the whole sequence again, for medians), BASELINE_JAR, COLLECTOR_JAR, JAVA_OPTS
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-20}"
CONNECTIONS="${2:-16}"
THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-30}"
ROUNDS="${ROUNDS:-1}"
PORT=18088
KEY=bench
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/spool-collector.jar}"
BASELINE_JAR="${BASELINE_JAR:-}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
LUA="$ROOT/benchmarks/load/collector-batch.lua"
read -r -a JVM <<<"${JAVA_OPTS:--Xms1g -Xmx1g}"
WORK="$(mktemp -d /tmp/spool-collector-load.XXXXXX)"
CLK_TCK="$(getconf CLK_TCK)"

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
for jar in "$COLLECTOR_JAR" "$BENCH_JAR" ${BASELINE_JAR:+"$BASELINE_JAR"}; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (see the header of this script)" >&2; exit 1; }
done

java -cp "$BENCH_JAR" io.spool.benchmarks.collector.LoadBodies "$WORK" 100 >&2
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

await_port() {
  local port=$1
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/health"; then return 0; fi
    sleep 0.1
  done
  echo "server on port $port did not come up" >&2; exit 1
}

# measure <label> <body file> <encoding>: one line "label rps p50_us p99_us user_ticks sys_ticks wrk_cpu_s errors"
measure() {
  local label=$1 body=$2 encoding=$3
  local url="http://127.0.0.1:$PORT/v1/batch"
  BODY_FILE="$body" ENCODING="$encoding" WRITE_KEY="$KEY" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$url" >/dev/null
  local u0 s0 u1 s1
  read -r u0 s0 <<<"$(awk '{print $14, $15}' "/proc/$SERVER_PID/stat")"
  local out
  out=$(BODY_FILE="$body" ENCODING="$encoding" WRITE_KEY="$KEY" \
    /usr/bin/time -f "WRKCPU %U %S" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url" 2>&1)
  read -r u1 s1 <<<"$(awk '{print $14, $15}' "/proc/$SERVER_PID/stat")"
  local result; result=$(grep '^RESULT' <<<"$out")
  local rps p50 p99 errors wrk_cpu
  rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$result")
  p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$result")
  p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$result")
  errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$result")
  wrk_cpu=$(grep '^WRKCPU' <<<"$out" | awk '{print $2 + $3}')
  echo "$label|$encoding|$rps|$p50|$p99|$((u1 - u0))|$((s1 - s0))|$wrk_cpu|$errors" >>"$WORK/rows"
}

start_server() { # start_server <log name> <java args...>
  local log=$1; shift
  java "${JVM[@]}" "$@" 2>"$WORK/$log.log" >&2 &
  SERVER_PID=$!
  await_port "$PORT"
}

stop_server() {
  kill "$SERVER_PID"
  local status=0; wait "$SERVER_PID" || status=$?
  SERVER_PID=""
  return $status
}

run_server() { # run_server <label> <java args...>: plain, then gzip
  local label=$1; shift
  rm -rf "$WORK/journal"
  start_server "${label//[^A-Za-z0-9]/_}" "$@"
  measure "$label" "$WORK/batch-100.json" ""
  measure "$label" "$WORK/batch-100.json.gz" "gzip"
  if [[ -d "$WORK/journal" ]]; then
    echo >&2 "$label: journal $(du -sh "$WORK/journal" | cut -f1) after the run"
  fi
  local status=0; stop_server || status=$?
  [[ "$label" == *collector* ]] && echo >&2 "$label: exit status after SIGTERM $status"
  return 0
}

COLLECTOR_ARGS=(--port "$PORT" --journal-dir "$WORK/journal" --write-key "$KEY" --min-free-disk 64MB)
for round in $(seq 1 "$ROUNDS"); do
  echo >&2 "round $round of $ROUNDS"
  run_server "I/O-thread ceiling" -cp "$BENCH_JAR" io.spool.benchmarks.collector.IoThreadCeilingServer "$PORT"
  run_server "I/O-thread ceiling + store" -cp "$BENCH_JAR" io.spool.benchmarks.collector.IoThreadCeilingServer "$PORT" \
      --store "$WORK/journal"
  run_server "ceiling (worker dispatch)" -cp "$BENCH_JAR" io.spool.benchmarks.collector.CeilingServer "$PORT"
  run_server "Spool collector" -jar "$COLLECTOR_JAR" "${COLLECTOR_ARGS[@]}"
  if [[ -n "$BASELINE_JAR" ]]; then
    run_server "baseline collector" -jar "$BASELINE_JAR" "${COLLECTOR_ARGS[@]}"
  fi
done

# One table: every row with its ratio to the two ceilings of the same round and body.
echo "| server, body | requests/s | events/s | of I/O-thread ceiling | of it + store | of ceiling (dispatch) | p50 ms | p99 ms | server CPU (cores: user+sys) | µs CPU per event | wrk CPU (cores) | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'|' -v hz="$CLK_TCK" -v d="$DURATION" '
  { n++; label[n]=$1; enc[n]=$2; rps[n]=$3; p50[n]=$4; p99[n]=$5; u[n]=$6; s[n]=$7; w[n]=$8; e[n]=$9
    if ($1 == "I/O-thread ceiling") r[$2]++   # each round starts with the I/O-thread ceiling
    round[n] = r[$2]
    if ($1 == "I/O-thread ceiling") io[r[$2], $2] = $3
    if ($1 == "I/O-thread ceiling + store") st[r[$2], $2] = $3
    if ($1 == "ceiling (worker dispatch)") cd[r[$2], $2] = $3 }
  END {
    for (i = 1; i <= n; i++) {
      body = enc[i] == "gzip" ? "gzip" : "plain"
      ev = rps[i] * 100
      printf "| %s, %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f (%.2f+%.2f) | %.2f | %.2f | %s |\n", label[i], body, rps[i], ev,
        rps[i] / io[round[i], enc[i]], rps[i] / st[round[i], enc[i]], rps[i] / cd[round[i], enc[i]], p50[i] / 1000, p99[i] / 1000,
        (u[i] + s[i]) / hz / d, u[i] / hz / d, s[i] / hz / d, (u[i] + s[i]) / hz / (ev * d) * 1e6, w[i] / d, e[i]
    }
  }' "$WORK/rows"
