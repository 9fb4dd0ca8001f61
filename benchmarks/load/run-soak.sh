#!/usr/bin/env bash
# Soak: the collector and the storage writer jars as their own processes, the load generator at a fixed
# rate for MINUTES, and every INTERVAL seconds, for each process: heap used after a full GC (jcmd GC.run +
# GC.heap_info), RSS (anonymous and file-backed), threads (/proc/PID/status), open files (/proc/PID/fd),
# CPU; plus the journal's and the lake's size on disk (du) and the writer's lag (its /metrics). Prints a
# table and a verdict (each series flat, or growing: the last third of the samples after the warm-up
# against the first third) and writes both to a file. At the end: every acknowledged event committed by
# the writer, none twice, and both processes exit 0 on SIGTERM.
#
# Build first (from the repository root): mvn -B -DskipTests package
# Usage: benchmarks/load/run-soak.sh [minutes=10] [rate]
#   minutes: of soak after the warm-up (the load runs WARMUP seconds longer).
#   rate: events/s. Default: half of a flat-out measurement the script makes first (CALIBRATE seconds
#   of flat-out load on a throwaway collector + writer pair, so the writer's share of the CPU counts too).
# Env (defaults): INTERVAL=20 (s between samples), WARMUP=120 (s of load before the samples the verdict
#   uses: longer than the dedup window, which the writer's heap fills first), CONNECTIONS=16, BATCH=100, CALIBRATE=20, DEDUP_WINDOW=1m (the writer's; see below),
#   COLLECTOR_HEAP=1g, WRITER_HEAP=2g, WORK=$(mktemp -d /tmp/spool-soak.XXXXXX), KEEP=0 (1: keep WORK),
#   OUT=soak-<UTC time>.md (in the current folder), GZIP=0 (1: gzip bodies).
# Why DEDUP_WINDOW=1m: the writer keeps every message id of the window in its heap (40-80 B an id, by
#   design); at the default 24 h and soak rates that is growth by design, not a leak, and it would hide one.
# Both JVMs run with -Xms = -Xmx and -XX:+AlwaysPreTouch: the whole heap is resident from the start, so
#   RSS growth is native memory (buffers, mappings, threads), not the heap being touched for the first time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MINUTES="${1:-10}"
RATE="${2:-}"
INTERVAL="${INTERVAL:-20}"
WARMUP="${WARMUP:-120}"
CONNECTIONS="${CONNECTIONS:-16}"
BATCH="${BATCH:-100}"
CALIBRATE="${CALIBRATE:-20}"
DEDUP_WINDOW="${DEDUP_WINDOW:-1m}"
COLLECTOR_HEAP="${COLLECTOR_HEAP:-1g}"
WRITER_HEAP="${WRITER_HEAP:-2g}"
KEEP="${KEEP:-0}"
GZIP="${GZIP:-0}"
OUT="${OUT:-soak-$(date -u +%Y%m%dT%H%M%SZ).md}"
KEY=soak
COLLECTOR_JAR="$ROOT/collector/target/spool-collector.jar"
WRITER_JAR="$ROOT/storage-writer/target/spool-storage-writer.jar"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
CLK_TCK="$(getconf CLK_TCK)"

for jar in "$COLLECTOR_JAR" "$WRITER_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (mvn -B -DskipTests package)" >&2; exit 1; }
done
for tool in jcmd curl awk du; do
  command -v "$tool" >/dev/null || { echo "needs $tool on the PATH" >&2; exit 1; }
done
[[ "$MINUTES" =~ ^[0-9]+$ && "$MINUTES" -ge 1 ]] || { echo "minutes must be a whole number >= 1, not '$MINUTES'" >&2; exit 1; }
(( MINUTES * 60 >= 3 * INTERVAL )) || { echo "too short: $MINUTES min gives fewer than 3 samples after the warm-up at INTERVAL=$INTERVAL" >&2; exit 1; }
WORK="${WORK:-$(mktemp -d /tmp/spool-soak.XXXXXX)}"
mkdir -p "$WORK"
LOAD_FLAGS=(--write-key "$KEY" -c "$CONNECTIONS" -b "$BATCH")
[[ "$GZIP" == 1 ]] && LOAD_FLAGS+=(--gzip)

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  if [[ "$KEEP" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

free_port() { # a port nothing listens on (checked by connecting)
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

# start_pair <dir>: starts collector and writer on <dir>/journal and <dir>/lake; sets C_PID W_PID C_PORT M_PORT
start_pair() {
  local dir=$1
  mkdir -p "$dir"
  C_PORT=$(free_port)
  M_PORT=$(free_port)
  java -Xms"$COLLECTOR_HEAP" -Xmx"$COLLECTOR_HEAP" -XX:+AlwaysPreTouch -jar "$COLLECTOR_JAR" --host 127.0.0.1 --port "$C_PORT" \
    --journal-dir "$dir/journal" --write-key "$KEY" --min-free-disk 1GB >"$dir/collector.log" 2>&1 &
  C_PID=$!
  PIDS+=("$C_PID")
  java -Xms"$WRITER_HEAP" -Xmx"$WRITER_HEAP" -XX:+AlwaysPreTouch -jar "$WRITER_JAR" --journal-dir "$dir/journal" --create-journal --output "$dir/lake" \
    --metrics-port "$M_PORT" --dedup-window "$DEDUP_WINDOW" >"$dir/writer.log" 2>&1 &
  W_PID=$!
  PIDS+=("$W_PID")
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:$C_PORT/health" && curl -sf -o /dev/null "http://127.0.0.1:$M_PORT/metrics"; then
      return 0
    fi
    kill -0 "$C_PID" 2>/dev/null || { tail -20 "$dir/collector.log" >&2; echo "the collector exited at start" >&2; exit 1; }
    kill -0 "$W_PID" 2>/dev/null || { tail -20 "$dir/writer.log" >&2; echo "the writer exited at start" >&2; exit 1; }
    sleep 0.1
  done
  echo "collector or writer did not come up within 60 s (logs in $dir)" >&2; exit 1
}

# stop <pid> <name> <log>: SIGTERM, wait, print the exit status
stop() {
  local pid=$1 name=$2 logfile=$3 status=0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  echo "$name exit status on SIGTERM: $status" >&2
  if [[ "$status" != 0 ]]; then tail -20 "$logfile" >&2; fi
  return "$status"
}

json_number() { # json_number <file> <key>: the first number after "key":
  # sed reads to the end (head would close the pipe under grep: SIGPIPE, and pipefail ends the script)
  grep -o "\"$2\": *[-0-9.]*" "$1" | sed -n '1s/.*: *//p'
}

metric() { # metric <port> <name>: a Prometheus sample's value (0 if absent)
  curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 == n {v = $2} END {printf "%.0f", v + 0}'
}
metric_float() {
  curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 == n {v = $2} END {printf "%.1f", v + 0}'
}

# ---- 1. the rate: given, or half of what the pipeline takes flat out
if [[ -z "$RATE" ]]; then
  log "measuring flat out for ${CALIBRATE}s (after 10 s of warm-up) on a throwaway collector + writer"
  start_pair "$WORK/calibration"
  java -Xmx512m -cp "$BENCH_JAR" io.spool.benchmarks.load.LoadGenerator --url "http://127.0.0.1:$C_PORT" "${LOAD_FLAGS[@]}" \
    -d "${CALIBRATE}s" -w 10s --json "$WORK/calibration/load.json" >"$WORK/calibration/load.txt" 2>"$WORK/calibration/load.log"
  FLAT=$(json_number "$WORK/calibration/load.json" events_per_second)
  RATE=$(awk -v f="$FLAT" 'BEGIN {printf "%.0f", f / 2}')
  log "flat out: $(printf "%'.0f" "$FLAT") events/s -> soak rate $(printf "%'.0f" "$RATE") events/s"
  kill -9 "$C_PID" "$W_PID" 2>/dev/null || true
  wait "$C_PID" "$W_PID" 2>/dev/null || true
  rm -rf "$WORK/calibration/journal" "$WORK/calibration/lake"
  CALIBRATION="half of flat out: $(printf "%'.0f" "$FLAT") events/s measured for ${CALIBRATE} s, collector and writer both running"
else
  CALIBRATION="given on the command line"
fi

# ---- 2. enough disk? the journal keeps every event for the run (its retention is hours); ~420 B an event
NEED_KB=$(awk -v r="$RATE" -v s=$((MINUTES * 60 + WARMUP)) 'BEGIN {printf "%.0f", r * s * 420 * 1.3 / 1024}')
AVAIL_KB=$(df -Pk "$WORK" | awk 'NR == 2 {print $4}')
if (( NEED_KB > AVAIL_KB )); then
  echo "not enough disk in $WORK: ~$((NEED_KB / 1024)) MB needed for $MINUTES min at $RATE events/s, $((AVAIL_KB / 1024)) MB free" >&2
  echo "give a lower rate (run-soak.sh $MINUTES RATE) or WORK=<a bigger disk>" >&2
  exit 1
fi

# ---- 3. the soak
SOAK="$WORK/soak"
start_pair "$SOAK"
log "collector pid $C_PID (port $C_PORT), writer pid $W_PID (metrics $M_PORT); data in $SOAK"
log "load: $RATE events/s for $MINUTES min, $CONNECTIONS connections, batches of $BATCH; a sample every ${INTERVAL}s"
java -Xmx512m -cp "$BENCH_JAR" io.spool.benchmarks.load.LoadGenerator --url "http://127.0.0.1:$C_PORT" "${LOAD_FLAGS[@]}" \
  -r "$RATE" -d "${MINUTES}m" -w "${WARMUP}s" --json "$SOAK/load.json" >"$SOAK/load.txt" 2>"$SOAK/load.log" &
L_PID=$!
PIDS+=("$L_PID")

printf 'GC.run\nGC.heap_info\n' >"$WORK/jcmd-commands"

heap_after_gc_mb() { # full GC, then the heap's used size: the sum of "used" over the generations
  jcmd "$1" -f "$WORK/jcmd-commands" 2>/dev/null | awk '
    /total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); used += v }
    }
    END {printf "%.1f", used / 1024}'
}
status_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
du_mb() { du -sk "$1" 2>/dev/null | awk '{printf "%.1f", $1 / 1024}'; }

SAMPLES="$WORK/samples.tsv"
echo -e "t\tphase\tc_heap\tc_anon\tc_file\tc_threads\tc_fds\tc_cpu\tw_heap\tw_anon\tw_file\tw_threads\tw_fds\tw_cpu\tjournal_mb\tlake_mb\taccepted\tcommitted\tlag_s\tlag_excerpts" >"$SAMPLES"
START=$(date +%s)
c_prev=$(cpu_ticks "$C_PID"); w_prev=$(cpu_ticks "$W_PID"); t_prev=$START
next=$((START + INTERVAL))
while kill -0 "$L_PID" 2>/dev/null; do
  while (( $(date +%s) < next )) && kill -0 "$L_PID" 2>/dev/null; do sleep 1; done
  kill -0 "$L_PID" 2>/dev/null || break
  next=$((next + INTERVAL))
  for p in "$C_PID" "$W_PID"; do
    kill -0 "$p" 2>/dev/null || { echo "process $p died during the soak; logs in $SOAK" >&2; KEEP=1; exit 1; }
  done
  now=$(date +%s); t=$((now - START))
  phase=$([[ $t -le $WARMUP ]] && echo warm-up || echo soak)
  c_now=$(cpu_ticks "$C_PID"); w_now=$(cpu_ticks "$W_PID")
  c_cpu=$(awk -v a="$c_prev" -v b="$c_now" -v hz="$CLK_TCK" -v d=$((now - t_prev)) 'BEGIN {printf "%.2f", (b - a) / hz / d}')
  w_cpu=$(awk -v a="$w_prev" -v b="$w_now" -v hz="$CLK_TCK" -v d=$((now - t_prev)) 'BEGIN {printf "%.2f", (b - a) / hz / d}')
  c_prev=$c_now; w_prev=$w_now; t_prev=$now
  row=("$t" "$phase"
    "$(heap_after_gc_mb "$C_PID")" "$(( $(status_field "$C_PID" RssAnon) / 1024 ))" "$(( $(status_field "$C_PID" RssFile) / 1024 ))"
    "$(status_field "$C_PID" Threads)" "$(fds "$C_PID")" "$c_cpu"
    "$(heap_after_gc_mb "$W_PID")" "$(( $(status_field "$W_PID" RssAnon) / 1024 ))" "$(( $(status_field "$W_PID" RssFile) / 1024 ))"
    "$(status_field "$W_PID" Threads)" "$(fds "$W_PID")" "$w_cpu"
    "$(du_mb "$SOAK/journal")" "$(du_mb "$SOAK/lake")"
    "$(metric "$C_PORT" spool_collector_events_accepted_total)" "$(metric "$M_PORT" spool_writer_rows_committed_total)"
    "$(metric_float "$M_PORT" spool_writer_lag_seconds)" "$(metric "$M_PORT" spool_writer_lag_excerpts)")
  (IFS=$'\t'; echo "${row[*]}") >>"$SAMPLES"
  log "t=${t}s ${phase}: collector heap ${row[2]} MB, threads ${row[5]}, fds ${row[6]} | writer heap ${row[8]} MB, threads ${row[11]}, fds ${row[12]}, lag ${row[18]} s | journal ${row[14]} MB, lake ${row[15]} MB | $(tail -1 "$SOAK/load.log" | sed 's/  */ /g')"
done
load_status=0
wait "$L_PID" || load_status=$?

# ---- 4. the end: the collector stops, the writer catches up, every acknowledged event committed once
ACKED=$(json_number "$SOAK/load.json" acknowledged_events)
ERRORS=$(json_number "$SOAK/load.json" errors)
c_status=0; stop "$C_PID" collector "$SOAK/collector.log" || c_status=$?
log "waiting for the writer to commit all $ACKED acknowledged events"
deadline=$(( $(date +%s) + 600 ))
committed=0
while (( $(date +%s) < deadline )); do
  committed=$(metric "$M_PORT" spool_writer_rows_committed_total)
  (( committed >= ACKED )) && break
  sleep 2
done
duplicates=$(metric "$M_PORT" spool_writer_duplicates_dropped_total)
catch_up=$(( $(date +%s) - deadline + 600 ))
w_status=0; stop "$W_PID" writer "$SOAK/writer.log" || w_status=$?

# ---- 5. table and verdict
{
  echo "# Spool soak, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`benchmarks/load/run-soak.sh $MINUTES ${2:-}\` (INTERVAL=$INTERVAL WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS BATCH=$BATCH DEDUP_WINDOW=$DEDUP_WINDOW GZIP=$GZIP)"
  echo "Commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes'); machine: $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Rate: $(printf "%'.0f" "$RATE") events/s ($CALIBRATION); collector -Xmx$COLLECTOR_HEAP, writer -Xmx$WRITER_HEAP --dedup-window $DEDUP_WINDOW, other flags default"
  echo
  echo "## Load (the generator's summary)"
  echo
  echo '```'
  cat "$SOAK/load.txt"
  echo '```'
  echo
  echo "## Samples (every ${INTERVAL} s; heap = used after a full GC, MB; anon/file = RssAnon/RssFile, MB; cpu in cores)"
  echo
  awk -F'\t' 'NR == 1 {
      print "| t s | phase | C heap | C anon | C file | C thr | C fds | C cpu | W heap | W anon | W file | W thr | W fds | W cpu | journal MB | lake MB | accepted | committed | lag s | lag exc |"
      print "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"; next }
    { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$SAMPLES"
  echo
  echo "## Verdict (samples after the ${WARMUP} s warm-up: the mean of the last third against the first third)"
  echo
  awk -F'\t' -v bpe="$(json_number "$SOAK/load.json" bytes_per_event)" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $2 == "soak" { n++; for (i = 1; i <= NF; i++) v[n, i] = $i }
    function mean(name, from, to,   s, k) { s = 0; for (k = from; k <= to; k++) s += v[k, col[name]]; return s / (to - from + 1) }
    function delta(name, from, to) { return v[to, col[name]] - v[from, col[name]] }
    # flat unless the last third exceeds the first third by more than rel (a fraction) plus abs
    function judge(label, name, rel, abs, unit,   a, b, verdict) {
      a = mean(name, 1, third); b = mean(name, n - third + 1, n)
      verdict = (b > a * (1 + rel) + abs) ? "GROWING" : "flat"
      if (verdict == "GROWING") bad++
      printf "| %s | %.1f %s | %.1f %s | +%d%% + %s %s | %s |\n", label, a, unit, b, unit, rel * 100, abs, unit, verdict
    }
    END {
      if (n < 3) { print "too few samples after the warm-up (" n "): run longer"; exit 1 }
      third = int(n / 3)
      print "| series | first third | last third | allowed growth | verdict |"
      print "|---|---:|---:|---:|---|"
      judge("collector heap after GC", "c_heap", 0.10, 16, "MB")
      judge("collector RSS (anonymous)", "c_anon", 0.10, 32, "MB")
      judge("collector threads", "c_threads", 0, 2, "")
      judge("collector open files", "c_fds", 0, 4, "")
      judge("writer heap after GC", "w_heap", 0.10, 32, "MB")
      judge("writer RSS (anonymous)", "w_anon", 0.10, 64, "MB")
      judge("writer threads", "w_threads", 0, 2, "")
      judge("writer open files", "w_fds", 0, 4, "")
      judge("writer lag", "lag_s", 0.5, 30, "s")
      # storage grows with the events, at a steady number of bytes an event
      jf = delta("journal_mb", 1, third + 1) * 1048576 / (delta("accepted", 1, third + 1) + 1)
      jl = delta("journal_mb", n - third, n) * 1048576 / (delta("accepted", n - third, n) + 1)
      lf = delta("lake_mb", 1, third + 1) * 1048576 / (delta("committed", 1, third + 1) + 1)
      ll = delta("lake_mb", n - third, n) * 1048576 / (delta("committed", n - third, n) + 1)
      jall = v[n, col["journal_mb"]] * 1048576 / (v[n, col["accepted"]] + 1)
      jv = (jl > jf * 1.25 || jl < jf * 0.75 || jall > bpe * 1.5) ? "UNEXPECTED" : "as expected"
      lv = (ll > lf * 2 + 20 || ll > jall) ? "UNEXPECTED" : "as expected"
      if (jv != "as expected") bad++
      if (lv != "as expected") bad++
      printf "| journal bytes an accepted event | %.0f B | %.0f B | within 25%%, and under 1.5x the %d B of JSON (whole run: %.0f B) | %s |\n", jf, jl, bpe, jall, jv
      printf "| lake bytes a committed row | %.0f B | %.0f B | under 2x + 20 B, and under the journal'"'"'s | %s |\n", lf, ll, lv
      printf "\nCPU, mean over the samples after the warm-up: collector %.2f cores, writer %.2f cores\n", mean("c_cpu", 1, n), mean("w_cpu", 1, n)
      print ""
      print (bad ? "**Verdict: " bad " series growing or unexpected.**" : "**Verdict: flat.** Every series within its allowance.")
    }' "$SAMPLES" || true
  echo
  echo "## End of run"
  echo
  echo "- acknowledged by the collector (200, nothing rejected): $ACKED events; generator errors: $ERRORS; generator exit status $load_status"
  echo "- the generator's own CPU: $(json_number "$SOAK/load.json" process_cpu_cores) cores (its whole JVM, measured time)"
  echo "- committed by the writer (spool_writer_rows_committed_total): $committed, ${catch_up} s after the collector stopped; duplicates dropped: $duplicates"
  if [[ "$committed" == "$ACKED" && "$duplicates" == 0 ]]; then
    echo "- **every acknowledged event committed, none twice**"
  else
    echo "- **MISMATCH: $ACKED acknowledged, $committed committed, $duplicates duplicates dropped** (data kept in $WORK)"
    KEEP=1
  fi
  echo "- exit status on SIGTERM: collector $c_status, writer $w_status"
  echo "- journal on disk at the end: $(du_mb "$SOAK/journal") MB; lake: $(du_mb "$SOAK/lake") MB"
} | tee "$OUT"
log "written to $OUT"
grep -q "Verdict: flat" "$OUT" && grep -q "every acknowledged event committed" "$OUT"
