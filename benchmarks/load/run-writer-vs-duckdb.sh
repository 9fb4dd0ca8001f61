#!/usr/bin/env bash
# Issue 10's writer goal: `java -jar spool-storage-writer.jar --drain` (JVM start included, a fresh
# Iceberg table in the embedded catalog each run, as a user runs it) against DuckDB's whole conversion
# of the same events to zstd Parquet, as native processes of their own: read_json with the table's
# columns, and read_json with auto-detection. Both inputs (small server-side events, browser events) are
# generated once; then the processes alternate for N rounds. Prints each run, then medians of wall and
# CPU (user+sys, from /usr/bin/time), the ratios, and the data files' bytes.
#
#   flock -o /tmp/spool-build.lock benchmarks/load/run-writer-vs-duckdb.sh [events=500000] [rounds=5] \
#       [work=/tmp/writer-vs-duckdb] [kinds="small browser"] [extra writer JVM flags...]
#
# DuckDB: no DuckDB CLI can be fetched here, so duckdb-sql.c (beside this script) is a minimal shell
# over the engine duckdb_jdbc 2.0.0.1 carries (its libduckdb_java.so exports DuckDB's C API): the same
# DuckDB 2.0.0 in a native process, threads as its default (one per core).
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-500000}
ROUNDS=${2:-5}
WORK=${3:-/tmp/writer-vs-duckdb}
KINDS=${4:-small browser}
shift $(( $# < 4 ? $# : 4 ))
JVM_EXTRA=("$@")
JAR=${SPOOL_JAR:-storage-writer/target/spool-storage-writer.jar}
BASELINE_JAR=${BASELINE_JAR:-} # another writer jar to alternate with (e.g. the one before a change)
mkdir -p "$WORK"

DUCK_JAR=$(ls ~/.m2/repository/org/duckdb/duckdb_jdbc/2.0.0.1/duckdb_jdbc-2.0.0.1.jar)
if [ ! -x "$WORK/duckdb-sql" ]; then
  # The library's SONAME is libduckdb_java.so_linux_amd64, so the binary asks for that name at run time:
  # keep the file under it (found through the rpath) and link through a libduckdb.so link to it.
  (cd "$WORK" && unzip -o -q "$DUCK_JAR" libduckdb_java.so_linux_amd64 && ln -sf libduckdb_java.so_linux_amd64 libduckdb.so)
  gcc -O2 -o "$WORK/duckdb-sql" benchmarks/load/duckdb-sql.c "$WORK/libduckdb.so" -Wl,-rpath,"$WORK"
fi
FLAGS=$(awk '/<chronicle.jvm.args>/,/<\/chronicle.jvm.args>/' pom.xml | sed 's/<[^>]*>//g' | tr -s ' \n' ' ')
for kind in $KINDS; do
  if [ ! -f "$WORK/$kind/events.ndjson" ]; then
    rm -rf "$WORK/$kind"
    java $FLAGS -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.writer.DrainInputs "$kind" \
        "$WORK/$kind/journal" "$WORK/$kind/events.ndjson" "$EVENTS" 2>&1 | grep wrote
  fi
done

COLUMNS="{message_id: 'VARCHAR', type: 'VARCHAR', event: 'VARCHAR', name: 'VARCHAR', user_id: 'VARCHAR',
 anonymous_id: 'VARCHAR', group_id: 'VARCHAR', previous_id: 'VARCHAR', timestamp: 'TIMESTAMPTZ',
 original_timestamp: 'TIMESTAMPTZ', sent_at: 'TIMESTAMPTZ', received_at: 'TIMESTAMPTZ', write_key: 'VARCHAR',
 ip: 'VARCHAR', properties: 'JSON', traits: 'JSON', context: 'JSON', integrations: 'JSON',
 context_library_name: 'VARCHAR', context_library_version: 'VARCHAR', context_user_agent: 'VARCHAR'}"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

timed() { # kind name output-to-measure command...
  local kind=$1 name=$2 out=$3; shift 3
  /usr/bin/time -o "$WORK/time.txt" -f "%e %U %S" "$@" > "$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }
  local bytes
  bytes=$(find "$out" -name '*.parquet' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
  read -r wall user sys < "$WORK/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$wall" "$(echo "$user + $sys" | bc)" "$bytes" | tee -a "$RESULTS"
}

for round in $(seq 1 "$ROUNDS"); do
  for kind in $KINDS; do
    dir="$WORK/$kind"
    rm -rf "$dir/lake" "$dir/journal/writer"
    timed "$kind" spool "$dir/lake" java "${JVM_EXTRA[@]}" -jar "$JAR" --journal-dir "$dir/journal" \
        --output "$dir/lake" --retention 0s --drain
    if [ -n "$BASELINE_JAR" ]; then
      rm -rf "$dir/lake" "$dir/journal/writer"
      timed "$kind" spool-baseline "$dir/lake" java "${JVM_EXTRA[@]}" -jar "$BASELINE_JAR" --journal-dir "$dir/journal" \
          --output "$dir/lake" --retention 0s --drain
    fi
    rm -f "$dir/duck-cols.parquet"
    timed "$kind" duckdb-columns "$dir/duck-cols.parquet" "$WORK/duckdb-sql" \
        "COPY (SELECT * FROM read_json('$dir/events.ndjson', format = 'newline_delimited', columns = $COLUMNS))
         TO '$dir/duck-cols.parquet' (FORMAT parquet, COMPRESSION zstd)"
    rm -f "$dir/duck-auto.parquet"
    timed "$kind" duckdb-auto "$dir/duck-auto.parquet" "$WORK/duckdb-sql" \
        "COPY (SELECT * FROM read_json('$dir/events.ndjson')) TO '$dir/duck-auto.parquet' (FORMAT parquet, COMPRESSION zstd)"
  done
done

python3 - "$RESULTS" <<'EOF'
import sys, statistics, collections
rows = [l.split('\t') for l in open(sys.argv[1]).read().splitlines() if l]
by = collections.defaultdict(list)
for kind, name, wall, cpu, b in rows:
    by[(kind, name)].append((float(wall), float(cpu), int(b)))
print(f"\n{'input':8} {'process':15} {'runs':>4} {'wall s (median)':>16} {'CPU s (median)':>15} {'bytes':>12} {'spool/peer wall':>16}")
for kind in dict.fromkeys(k for k, _ in by):
    spool = statistics.median(w for w, _, _ in by[(kind, 'spool')])
    for name in ('spool', 'spool-baseline', 'duckdb-columns', 'duckdb-auto'):
        v = by.get((kind, name))
        if not v:
            continue
        wall = statistics.median(w for w, _, _ in v)
        cpu = statistics.median(c for _, c, _ in v)
        ratio = '' if name == 'spool' else f"{wall / spool:.2f}x"
        print(f"{kind:8} {name:15} {len(v):4} {wall:16.2f} {cpu:15.2f} {v[-1][2]:12,} {ratio:>16}")
print("(spool/peer wall = peer's wall / spool's: above 1 means the writer is faster)")
EOF
