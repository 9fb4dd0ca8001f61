package io.spool.writer.internal;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.DoubleSupplier;

/**
 * The writer's Prometheus metrics, in a registry of its own (several writers may share a JVM), with the
 * JVM's and the process's (memory, GC, threads, CPU, open files: {@code jvm_*}, {@code process_*}).
 */
public final class WriterMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** The lag, computed at each scrape (so that it grows while the writer's thread is busy or waiting). */
    private volatile DoubleSupplier lag = () -> 0;

    final Counter rows = Counter.builder()
            .name("spool_writer_rows_committed_total")
            .help("Event rows in committed Parquet files")
            .register(registry);
    final Counter rejected = Counter.builder()
            .name("spool_writer_rejected_rows_committed_total")
            .help("Rows committed to the rejected table (dead letters and undecodable records)")
            .register(registry);
    final Counter duplicates = Counter.builder()
            .name("spool_writer_duplicates_dropped_total")
            .help("Events dropped because their message_id was already written within the dedup window")
            .register(registry);
    final Counter files = Counter.builder()
            .name("spool_writer_files_committed_total")
            .help("Parquet files committed")
            .register(registry);
    final Counter commits = Counter.builder()
            .name("spool_writer_commits_total")
            .help("Commits (snapshots carrying the journal position)")
            .register(registry);
    final Counter failures = Counter.builder()
            .name("spool_writer_commit_failures_total")
            .help("Commits that failed and were retried from what the tables hold")
            .register(registry);
    final Counter commitRetries = Counter.builder()
            .name("spool_writer_commit_retries_total")
            .help("Commit attempts Iceberg retried after another writer committed first (optimistic concurrency)")
            .register(registry);
    final Histogram commitSeconds = Histogram.builder()
            .name("spool_writer_commit_duration_seconds")
            .help("Time to close and publish a commit's files and commit them to the tables")
            .register(registry);
    final Counter compactedFiles = Counter.builder()
            .name("spool_writer_compacted_files_total")
            .help("Small data files of this writer replaced by compaction (rewrite commits)")
            .register(registry);
    final Counter compactionFiles = Counter.builder()
            .name("spool_writer_compaction_files_written_total")
            .help("Data files written by compaction in place of the small ones")
            .register(registry);
    final Counter compactionDuplicates = Counter.builder()
            .name("spool_writer_compaction_duplicates_dropped_total")
            .help("Event rows dropped by compaction because their message_id repeated among the rows rewritten")
            .register(registry);
    final Counter expiredSnapshots = Counter.builder()
            .name("spool_writer_expired_snapshots_total")
            .help("Table snapshots expired by this writer's upkeep")
            .register(registry);
    final Counter orphanFiles = Counter.builder()
            .name("spool_writer_orphan_files_deleted_total")
            .help("Files in the tables' data folders that no snapshot referenced, deleted once old")
            .register(registry);
    final Gauge lastCommit = Gauge.builder()
            .name("spool_writer_last_commit_timestamp_seconds")
            .help("When this writer's last commit landed (Unix time, seconds); 0 before its first")
            .register(registry);
    final Gauge lagExcerpts = Gauge.builder()
            .name("spool_writer_lag_excerpts")
            .help("Journal excerpts (requests, and excerpts of dead letters) after the last committed position")
            .register(registry);
    final Gauge pendingRecords = Gauge.builder()
            .name("spool_writer_pending_records")
            .help("Journal records (events and dead letters) after the last committed position; 0 when caught up")
            .register(registry);
    final GaugeWithCallback lagSeconds = GaugeWithCallback.builder()
            .name("spool_writer_lag_seconds")
            .help("Age of the oldest journal record not yet committed (now minus its receivedAt); 0 only when"
                    + " nothing waits")
            .callback(callback -> callback.call(lag.getAsDouble()))
            .register(registry);

    private boolean jvmRegistered;

    /**
     * The JVM's and the process's metrics join the registry when it is first read, not when the writer
     * is made: registering them reads JMX (memory pools, collectors, threads, ...), about 50 ms of a
     * drain's start-up on its critical path, and a drain is mostly never scraped. Their values are read
     * at each scrape either way.
     */
    private synchronized void registerJvmMetrics() {
        if (!jvmRegistered) {
            jvmRegistered = true;
            JvmMetrics.builder().register(registry);
        }
    }

    /** What the lag gauge reads at each scrape. */
    void lagSource(DoubleSupplier source) {
        this.lag = source;
    }

    public PrometheusRegistry registry() {
        registerJvmMetrics();
        return registry;
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeText(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry().scrape(), EscapingScheme.DEFAULT);
    }
}
