#!/usr/bin/env bash
# `--drain` into the Iceberg table against the writer before it (Hive-partitioned folder, commit
# 03929b2), as whole processes on one journal, alternating, N rounds. Both with C1 only, as the README
# recommends for batch drains. Prints wall and CPU seconds and data bytes per run.
#
#   benchmarks/load/run-writer-drain-vs-folder.sh OLD_JAR [events=1000000] [rounds=3] [work=/tmp/drain-bench]
#
# OLD_JAR: build it with `git worktree add /tmp/old-layout 03929b2 && (cd /tmp/old-layout &&
#   mvn -B -q package -DskipTests -pl storage-writer -am)` -> /tmp/old-layout/storage-writer/target/spool-storage-writer.jar
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD_JAR=$1
EVENTS=${2:-1000000}
ROUNDS=${3:-3}
WORK=${4:-/tmp/drain-bench}
NEW_JAR=storage-writer/target/spool-storage-writer.jar
FLAGS=$(mvn -q -N help:evaluate -Dexpression=chronicle.jvm.args -DforceStdout)
mkdir -p "$WORK"
if [ ! -d "$WORK/journal/events" ]; then
  java $FLAGS -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.writer.RealisticEvents \
      "$WORK/journal" "$WORK/events.ndjson" "$EVENTS"
fi
run() { # name jar output extra...
  local name=$1 jar=$2 out=$3; shift 3
  rm -rf "$out" "$WORK/journal/writer"
  /usr/bin/time -f "$name %e s wall, %U s user, %S s sys" \
      java -Xmx2g -XX:TieredStopAtLevel=1 -jar "$jar" --journal-dir "$WORK/journal" --output "$out" \
      --writer-id bench --retention 0s --drain "$@" 2>&1 | grep -E " s wall|drained" | sed 's/^.*INFO [^ ]* - //'
  echo "$name data bytes: $(find "$out" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  run folder "$OLD_JAR" "$WORK/lake-folder"
  run table "$NEW_JAR" "$WORK/lake-table" --upkeep-interval 0s
done
