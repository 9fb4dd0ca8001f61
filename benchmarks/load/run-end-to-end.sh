#!/usr/bin/env bash
# End to end at one rate: an "app" JVM (io.spool.benchmarks.e2e.EndToEndApp: Spool SDK clients in
# threads calling track()) -> the collector jar -> its journal -> the storage writer jar -> the Iceberg
# table, all on this machine. Every INTERVAL seconds, for the collector and the writer: CPU (cores, from
# /proc/PID/stat), heap used (jcmd GC.heap_info, no forced GC), RSS; the collector's accepted events, the
# writer's committed rows and its lag (spool_writer_lag_seconds, and accepted - committed in events).
# Verdict: BOUNDED when, after the warm-up, the app delivered what it tracked (nothing dropped or failed
# after the warm-up: the SDK's buffer of 100,000 events a client overflows when the pipeline falls behind,
# at least 98 % of the asked rate tracked), the writer's lag in the last third of the samples is at most
# 1.5x + 10 s of the first third's, and so is its backlog in events (+ 15 s of events); at the end every
# event the SDK got a 2xx for is committed (spool_writer_rows_committed_total = the app's "sent").
#
# Run it under the build lock (it uses both cores): flock -o /tmp/spool-build.lock benchmarks/load/run-end-to-end.sh RATE
# Build first: mvn -B -DskipTests package (the collector, writer and benchmarks jars).
# Usage: benchmarks/load/run-end-to-end.sh RATE [seconds=150]   (seconds of tracking, WARMUP of them not judged)
# SENDER=generator sends with the load generator instead of the SDK app (16 connections, 100-event batches,
#   ~0.1 core: the same pipeline without the SDK's CPU, as the peer of an SDK run).
# Env (defaults): SENDER=sdk, WARMUP=30, INTERVAL=10, CLIENTS=2, THREADS=4, IN_FLIGHT= (the SDK's default), APP_HEAP=1g,
#   COLLECTOR_HEAP=1g, WRITER_HEAP=2g, DEDUP_WINDOW=1m (as the soak; the writer's default is 24h),
#   COLLECTOR_JAR, WRITER_JAR, BENCH_JAR (other jars than the tree's), WRITER_FLAGS= (more writer flags), WORK=$(mktemp -d /tmp/spool-e2e.XXXXXX), KEEP=0, OUT=benchmarks/load/results/e2e-<sender>-<rate>-<UTC time>.md
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RATE="${1:?usage: run-end-to-end.sh RATE [seconds]}"
SECONDS_TOTAL="${2:-150}"
WARMUP="${WARMUP:-30}"
INTERVAL="${INTERVAL:-10}"
CLIENTS="${CLIENTS:-2}"
THREADS="${THREADS:-4}"
IN_FLIGHT="${IN_FLIGHT:-}"
SENDER="${SENDER:-sdk}"
APP_HEAP="${APP_HEAP:-1g}"
COLLECTOR_HEAP="${COLLECTOR_HEAP:-1g}"
WRITER_HEAP="${WRITER_HEAP:-2g}"
DEDUP_WINDOW="${DEDUP_WINDOW:-1m}"
WRITER_FLAGS="${WRITER_FLAGS:-}"
KEEP="${KEEP:-0}"
OUT="${OUT:-$ROOT/benchmarks/load/results/e2e-${SENDER:-sdk}-$RATE-$(date -u +%Y%m%dT%H%M%SZ).md}"
KEY=e2e
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/spool-collector.jar}"
WRITER_JAR="${WRITER_JAR:-$ROOT/storage-writer/target/spool-storage-writer.jar}"
BENCH_JAR="${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}"
CLK_TCK="$(getconf CLK_TCK)"
for jar in "$COLLECTOR_JAR" "$WRITER_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (mvn -B -DskipTests package)" >&2; exit 1; }
done
(( SECONDS_TOTAL >= WARMUP + 3 * INTERVAL )) || { echo "too short: fewer than 3 samples after the ${WARMUP}s warm-up" >&2; exit 1; }
WORK="${WORK:-$(mktemp -d /tmp/spool-e2e.XXXXXX)}"
mkdir -p "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true; done
  if [[ "$KEEP" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port" >&2; exit 1
}
metric() { curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 == n {v = $2} END {printf "%.0f", v + 0}'; }
metric_float() { curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 == n {v = $2} END {printf "%.1f", v + 0}'; }
json_number() { grep -o "\"$2\": *[-0-9.]*" "$1" | sed -n '1s/.*: *//p'; }
heap_used_mb() { jcmd "$1" GC.heap_info 2>/dev/null | awk '/total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); used += v } } END {printf "%.0f", used / 1024}'; }
rss_mb() { awk '$1 == "VmRSS:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

C_PORT=$(free_port); M_PORT=$(free_port)
java -Xms"$COLLECTOR_HEAP" -Xmx"$COLLECTOR_HEAP" -jar "$COLLECTOR_JAR" --host 127.0.0.1 --port "$C_PORT" \
  --journal-dir "$WORK/journal" --write-key "$KEY" --min-free-disk 1GB >"$WORK/collector.log" 2>&1 &
C_PID=$!; PIDS+=("$C_PID")
# shellcheck disable=SC2086
java -Xms"$WRITER_HEAP" -Xmx"$WRITER_HEAP" -jar "$WRITER_JAR" --journal-dir "$WORK/journal" --create-journal --output "$WORK/lake" \
  --metrics-port "$M_PORT" --dedup-window "$DEDUP_WINDOW" $WRITER_FLAGS >"$WORK/writer.log" 2>&1 &
W_PID=$!; PIDS+=("$W_PID")
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$C_PORT/health" && curl -sf -o /dev/null "http://127.0.0.1:$M_PORT/metrics" && break
  kill -0 "$C_PID" 2>/dev/null || { tail -20 "$WORK/collector.log" >&2; exit 1; }
  kill -0 "$W_PID" 2>/dev/null || { tail -20 "$WORK/writer.log" >&2; exit 1; }
  sleep 0.1
done
APP_FLAGS=(--url "http://127.0.0.1:$C_PORT" --write-key "$KEY" -r "$RATE" -d "$SECONDS_TOTAL" -w "$WARMUP" --clients "$CLIENTS" --threads "$THREADS" --json "$WORK/app.json")
[[ -n "$IN_FLIGHT" ]] && APP_FLAGS+=(--in-flight "$IN_FLIGHT")
if [[ "$SENDER" == generator ]]; then
  log "rate $RATE events/s for ${SECONDS_TOTAL}s (${WARMUP}s warm-up); the load generator, 16 connections, 100-event batches"
  java -Xmx512m -cp "$BENCH_JAR" io.spool.benchmarks.load.LoadGenerator --url "http://127.0.0.1:$C_PORT" --write-key "$KEY" \
    -c 16 -b 100 -r "$RATE" -d "$((SECONDS_TOTAL - WARMUP))s" -w "${WARMUP}s" --json "$WORK/load.json" >"$WORK/app.txt" 2>"$WORK/app.log" &
else
  log "rate $RATE events/s for ${SECONDS_TOTAL}s (${WARMUP}s warm-up); $CLIENTS SDK clients, $THREADS tracking threads, in flight: ${IN_FLIGHT:-SDK default}"
  java -Xms"$APP_HEAP" -Xmx"$APP_HEAP" -cp "$BENCH_JAR" io.spool.benchmarks.e2e.EndToEndApp "${APP_FLAGS[@]}" >"$WORK/app.txt" 2>"$WORK/app.log" &
fi
A_PID=$!; PIDS+=("$A_PID")

SAMPLES="$WORK/samples.tsv"
echo -e "t\tphase\tapp_cpu\tc_cpu\tc_heap\tc_rss\tw_cpu\tw_heap\tw_rss\taccepted\tcommitted\tbacklog\tlag_s" >"$SAMPLES"
START=$(date +%s); next=$((START + INTERVAL)); t_prev=$START
a_prev=$(cpu_ticks "$A_PID"); c_prev=$(cpu_ticks "$C_PID"); w_prev=$(cpu_ticks "$W_PID")
cores() { awk -v a="$1" -v b="$2" -v hz="$CLK_TCK" -v d="$3" 'BEGIN {printf "%.2f", (b - a) / hz / d}'; }
while kill -0 "$A_PID" 2>/dev/null; do
  while (( $(date +%s) < next )) && kill -0 "$A_PID" 2>/dev/null; do sleep 0.5; done
  kill -0 "$A_PID" 2>/dev/null || break
  now=$(date +%s); t=$((now - START)); next=$((next + INTERVAL))
  (( t > SECONDS_TOTAL )) && break # the app is closing: delivering its queue, not tracking
  for p in "$C_PID" "$W_PID"; do kill -0 "$p" 2>/dev/null || { echo "process $p died; logs in $WORK" >&2; KEEP=1; tail -5 "$WORK/writer.log" >&2; exit 1; }; done
  a_now=$(cpu_ticks "$A_PID"); c_now=$(cpu_ticks "$C_PID"); w_now=$(cpu_ticks "$W_PID"); d=$((now - t_prev))
  accepted=$(metric "$C_PORT" spool_collector_events_accepted_total); committed=$(metric "$M_PORT" spool_writer_rows_committed_total)
  row=("$t" "$([[ $t -le $WARMUP ]] && echo warm-up || echo measured)" "$(cores "$a_prev" "$a_now" "$d")"
    "$(cores "$c_prev" "$c_now" "$d")" "$(heap_used_mb "$C_PID")" "$(rss_mb "$C_PID")"
    "$(cores "$w_prev" "$w_now" "$d")" "$(heap_used_mb "$W_PID")" "$(rss_mb "$W_PID")"
    "$accepted" "$committed" "$((accepted - committed))" "$(metric_float "$M_PORT" spool_writer_lag_seconds)")
  a_prev=$a_now; c_prev=$c_now; w_prev=$w_now; t_prev=$now
  (IFS=$'\t'; echo "${row[*]}") >>"$SAMPLES"
  log "t=${t}s app ${row[2]} | collector ${row[3]} cores, heap ${row[4]} MB | writer ${row[6]} cores, heap ${row[7]} MB | backlog ${row[11]} events, lag ${row[12]} s | $(tail -1 "$WORK/app.log")"
done
app_status=0; wait "$A_PID" || app_status=$?
if [[ "$SENDER" == generator ]]; then
  # the generator's figures in the app's names: what it sent per second measured, errors as "dropped"
  SENT=$(json_number "$WORK/load.json" acknowledged_events)
  printf '{\n  "tracked_per_second_after_warmup": %s,\n  "dropped_after_warmup": %s,\n  "failed_after_warmup": 0,\n  "sent": %s\n}\n' \
    "$(json_number "$WORK/load.json" events_per_second)" "$(json_number "$WORK/load.json" errors)" "$SENT" >"$WORK/app.json"
else
  SENT=$(json_number "$WORK/app.json" sent)
fi
deadline=$(( $(date +%s) + 90 ))
committed=0
while (( $(date +%s) < deadline )); do
  committed=$(metric "$M_PORT" spool_writer_rows_committed_total)
  (( committed >= SENT )) && break
  sleep 1
done
catch_up=$(( $(date +%s) - deadline + 90 ))
duplicates=$(metric "$M_PORT" spool_writer_duplicates_dropped_total)
accepted=$(metric "$C_PORT" spool_collector_events_accepted_total)
kill -TERM "$C_PID" "$W_PID" 2>/dev/null || true
wait "$C_PID" "$W_PID" 2>/dev/null || true

{
  echo "# Spool end to end, $(printf "%'d" "$RATE") events/s, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`benchmarks/load/run-end-to-end.sh $RATE $SECONDS_TOTAL\` (SENDER=$SENDER WARMUP=$WARMUP INTERVAL=$INTERVAL CLIENTS=$CLIENTS THREADS=$THREADS IN_FLIGHT=${IN_FLIGHT:-default} DEDUP_WINDOW=$DEDUP_WINDOW WRITER_FLAGS='$WRITER_FLAGS')"
  echo "Commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes'); $(nproc) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## The sender ($SENDER)"
  echo
  echo '```'
  cat "$WORK/app.txt"
  echo '```'
  echo
  echo "## Samples (every ${INTERVAL} s; cpu in cores; heap = used, not after GC, MB; rss MB; backlog = accepted - committed, events)"
  echo
  awk -F'\t' 'NR == 1 { line = "|"; sep = "|"; for (i = 1; i <= NF; i++) { line = line " " $i " |"; sep = sep "---:|" } print line; print sep; next }
    { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$SAMPLES"
  echo
  awk -F'\t' -v rate="$RATE" -v tracked="$(json_number "$WORK/app.json" tracked_per_second_after_warmup)" \
      -v dropped="$(json_number "$WORK/app.json" dropped_after_warmup)" -v failed="$(json_number "$WORK/app.json" failed_after_warmup)" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $2 == "measured" { n++; for (i = 1; i <= NF; i++) v[n, i] = $i }
    function mean(name, from, to,   s, k) { s = 0; for (k = from; k <= to; k++) s += v[k, col[name]]; return s / (to - from + 1) }
    END {
      if (n < 3) { print "too few samples"; exit }
      third = int(n / 3)
      la = mean("lag_s", 1, third); lb = mean("lag_s", n - third + 1, n)
      ba = mean("backlog", 1, third); bb = mean("backlog", n - third + 1, n)
      lagok = lb <= la * 1.5 + 10; backok = bb <= ba * 1.5 + rate * 15
      appok = dropped == 0 && failed == 0 && tracked >= rate * 0.98
      printf "Means after the warm-up: app %.2f cores, collector %.2f cores / %.0f MB heap used / %.0f MB RSS, writer %.2f cores / %.0f MB heap used / %.0f MB RSS\n\n",
        mean("app_cpu", 1, n), mean("c_cpu", 1, n), mean("c_heap", 1, n), mean("c_rss", 1, n), mean("w_cpu", 1, n), mean("w_heap", 1, n), mean("w_rss", 1, n)
      printf "| check | first third | last third | verdict |\n|---|---:|---:|---|\n"
      printf "| writer lag (s) | %.1f | %.1f | %s |\n", la, lb, lagok ? "bounded" : "GROWING"
      printf "| backlog (events) | %.0f | %.0f | %s |\n", ba, bb, backok ? "bounded" : "GROWING"
      printf "| app after the warm-up: tracked/s; dropped, failed | %.0f of %d asked | %d dropped, %d failed | %s |\n\n", tracked, rate, dropped, failed, appok ? "delivered" : "NOT DELIVERED"
      print (lagok && backok && appok ? "**Verdict: BOUNDED** at this rate." : "**Verdict: NOT BOUNDED** at this rate.")
    }' "$SAMPLES"
  echo
  echo "- acknowledged to the sender (2xx): $SENT; accepted by the collector: $accepted; committed: $committed (${catch_up} s after the app closed); duplicates dropped: $duplicates; app exit status $app_status"
  if [[ "$committed" == "$SENT" ]]; then echo "- **every acknowledged event committed, none twice**"; else echo "- **MISMATCH: $SENT acknowledged, $committed committed**"; KEEP=1; fi
} | tee "$OUT"
log "written to $OUT"
grep -q "Verdict: BOUNDED" "$OUT" && grep -q "every acknowledged event committed" "$OUT"
