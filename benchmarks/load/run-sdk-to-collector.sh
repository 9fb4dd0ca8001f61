#!/usr/bin/env bash
# One SDK client against the real collector, beside the load generator with the same bodies
# (io.spool.benchmarks.sdk.SdkToCollector), on a shared box or with a core each.
#
#   benchmarks/load/run-sdk-to-collector.sh MODE [seconds=10] [rounds=1] [extra SdkToCollector args…]
#
# MODE shared: client (or generator) and collector share both cores, as before.
# MODE pinned: the benchmark JVM (the client, and the generator for its row) under `taskset -c 0`, the
#              collector under `taskset -c 1`: each has a core of its own, as an app and its collector
#              on two machines would.
# Env: BENCH_JAR (benchmarks/target/benchmarks.jar), COLLECTOR_JAR (collector/target/spool-collector.jar),
#      SETTINGS (small-plain,small-gzip,realistic-gzip), IN_FLIGHT (4), WARMUP (5, seconds per setting),
#      JAVA_OPTS (for the benchmark JVM, e.g. -XX:StartFlightRecording=filename=client.jfr).
# Run it under the build lock: flock -o /tmp/spool-build.lock benchmarks/load/run-sdk-to-collector.sh pinned
set -euo pipefail
mode=${1:?MODE: shared or pinned}
seconds=${2:-10}
rounds=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
bench=${BENCH_JAR:-benchmarks/target/benchmarks.jar}
collector=${COLLECTOR_JAR:-collector/target/spool-collector.jar}
settings=${SETTINGS:-small-plain,small-gzip,realistic-gzip}
args=(--collector "$collector" --seconds "$seconds" --rounds "$rounds" --warmup "${WARMUP:-5}"
      --in-flight "${IN_FLIGHT:-4}" --settings "$settings")
case "$mode" in
  shared) prefix=() ;;
  pinned) prefix=(taskset -c 0); args+=(--collector-cpus 1) ;;
  *) echo "MODE is shared or pinned, not $mode" >&2; exit 2 ;;
esac
echo "# $(date -u +%FT%TZ) mode=$mode bench=$bench collector=$collector load=$(cut -d' ' -f1-3 /proc/loadavg)"
# the hypervisor's steal and the idle time per core over the whole run (this VM loses 0-25 % to steal)
before=$(grep -E '^cpu[0-9]+ ' /proc/stat)
status=0
"${prefix[@]}" java -Xms512m -Xmx512m ${JAVA_OPTS:-} -cp "$bench" io.spool.benchmarks.sdk.SdkToCollector "${args[@]}" "$@" || status=$?
after=$(grep -E '^cpu[0-9]+ ' /proc/stat)
paste <(echo "$before") <(echo "$after") | awk '{ n = NF / 2; t = 0; for (i = 2; i <= n; i++) t += $(n + i) - $i;
  printf "# %s: steal %.0f %%, idle %.0f %%\n", $1, 100 * ($(n + 9) - $9) / t, 100 * ($(n + 5) - $5 + $(n + 6) - $6) / t }'
exit $status
