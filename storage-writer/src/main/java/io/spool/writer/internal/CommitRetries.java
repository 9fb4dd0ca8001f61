package io.spool.writer.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.CounterResult;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;

/**
 * Counts the commit attempts Iceberg retried after losing a race to another writer (optimistic
 * concurrency): Iceberg reports each commit's attempts to the catalog's metrics reporter, which it
 * creates by name, so counts are found by the writer id the writer put in the catalog properties.
 */
public final class CommitRetries implements MetricsReporter {
    static final String WRITER_PROPERTY = "spool.writer-id";
    private static final Map<String, LongAdder> RETRIES = new ConcurrentHashMap<>();
    private LongAdder counter = new LongAdder();

    @Override
    public void initialize(Map<String, String> properties) {
        String id = properties.get(WRITER_PROPERTY);
        if (id != null) {
            counter = of(id);
        }
    }

    static LongAdder of(String writerId) {
        return RETRIES.computeIfAbsent(writerId, id -> new LongAdder());
    }

    @Override
    public void report(MetricsReport report) {
        if (report instanceof CommitReport commit) {
            CounterResult attempts = commit.commitMetrics().attempts();
            if (attempts != null && attempts.value() > 1) {
                counter.add(attempts.value() - 1);
            }
        }
    }
}
