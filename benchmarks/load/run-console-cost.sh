#!/usr/bin/env bash
# What the console costs the ingest path: the packaged collector flat out under wrk (100-event
# batches, 16 connections), alternating three ways in one run:
#   off      --console not given
#   idle     --console, nobody watching (the feed's thread does not run)
#   watched  --console with one viewer streaming /console/stream (the thread reads the journal back)
# Build first: mvn -B -DskipTests install
# Usage: benchmarks/load/run-console-cost.sh [seconds=15] [rounds=3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_RUN="${1:-15}"
ROUNDS="${2:-3}"
PORT=18091
KEY=bench
WORK="$(mktemp -d /tmp/spool-console-cost.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 \
  || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
java -cp "$ROOT/benchmarks/target/benchmarks.jar" io.spool.benchmarks.collector.LoadBodies "$WORK" 100 >/dev/null 2>&1

run() { # $1 mode
  local mode="$1" flags=()
  [[ "$mode" != off ]] && flags=(--console)
  rm -rf "$WORK/journal"
  java -Xms1g -Xmx1g -jar "$ROOT/collector/target/spool-collector.jar" --port "$PORT" --host 127.0.0.1 \
    --journal-dir "$WORK/journal" --write-key "$KEY" "${flags[@]}" 2>"$WORK/collector-$mode.log" &
  local pid=$! viewer=""
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  if [[ "$mode" == watched ]]; then
    curl -s -N -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/console/stream" >"$WORK/viewer.txt" &
    viewer=$!
  fi
  local load=(env BODY_FILE="$WORK/batch-100.json" ENCODING= WRITE_KEY="$KEY" wrk -t1 -c16
    -s "$ROOT/benchmarks/load/collector-batch.lua" "http://127.0.0.1:$PORT/v1/batch")
  "${load[@]}" -d10s >/dev/null 2>&1 # warm-up
  "${load[@]}" -d"${SECONDS_RUN}s" >"$WORK/wrk.txt" 2>&1
  local rps updates=0
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/wrk.txt")
  if [[ -n "$viewer" ]]; then
    updates=$(grep -c '^data:' "$WORK/viewer.txt" || true)
    kill "$viewer" 2>/dev/null || true
  fi
  kill -TERM "$pid"; wait "$pid" || true
  printf '%-8s %8.0f events/s  %s\n' "$mode" "$(awk -v r="$rps" 'BEGIN{print r * 100}')" \
    "$([[ "$mode" == watched ]] && echo "(viewer received $updates updates)")"
}
# The order turns around every round, so that a drift of the machine (page cache, the host) does not
# land on one mode.
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  if (( round % 2 )); then modes=(off idle watched); else modes=(watched idle off); fi
  for mode in "${modes[@]}"; do run "$mode"; done
done
