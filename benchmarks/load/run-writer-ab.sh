#!/usr/bin/env bash
# Two writer jars alternated on the same drain input: `java -jar JAR --drain` as a user runs it, a fresh
# lake each run, N pairs after one untimed run of each (which writes each jar's class archive). Prints
# the medians of wall and CPU (user+sys) and every run's wall. The inputs are run-writer-vs-duckdb.sh's.
#
#   flock -o /tmp/spool-build.lock benchmarks/load/run-writer-ab.sh PAIRS INPUT_DIR JAR_A JAR_B
#   e.g. benchmarks/load/run-writer-ab.sh 8 /tmp/wvd/small /tmp/bench/before.jar storage-writer/target/spool-storage-writer.jar
set -euo pipefail
PAIRS=$1; DIR=$2; A=$3; B=$4
RESULTS=$(mktemp)
drain() { # label jar [timed]
  rm -rf "$DIR/lake" "$DIR/journal/writer"
  if [ "${3:-}" = timed ]; then
    /usr/bin/time -o "$RESULTS.t" -f "%e %U %S" java -jar "$2" --journal-dir "$DIR/journal" --output "$DIR/lake" \
        --retention 0s --drain > /dev/null 2>&1
    echo "$1 $(cat "$RESULTS.t")" >> "$RESULTS"
  else
    java -jar "$2" --journal-dir "$DIR/journal" --output "$DIR/lake" --retention 0s --drain > /dev/null 2>&1
  fi
}
drain A "$A"; drain B "$B"
for _ in $(seq 1 "$PAIRS"); do drain A "$A" timed; drain B "$B" timed; done
python3 - "$RESULTS" "$A" "$B" <<'P'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, user, sys_ = line.split()
    runs[label].append((float(wall), float(user) + float(sys_)))
for label, jar in (("A", sys.argv[2]), ("B", sys.argv[3])):
    v = runs[label]
    print(f"{label} wall {statistics.median(w for w, _ in v):.3f} s  CPU {statistics.median(c for _, c in v):.2f} s"
          f"  runs {[w for w, _ in v]}  {jar}")
P
rm -f "$RESULTS" "$RESULTS.t"
