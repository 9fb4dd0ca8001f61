package io.spool.benchmarks.journal;

import io.spool.journal.BatchEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.journal.JournalTailer;
import io.spool.journal.RecordField;
import io.spool.journal.RecordView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Why the journal holds one excerpt per request rather than one per event: the cost per event of
 * appending a 100-event request both ways, and of decoding records on the writer's side.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar JournalAppendBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"
        })
public class JournalAppendBenchmark {
    static final int EVENTS_PER_REQUEST = 100;

    private Path dir;
    private Journal journal;
    private JournalAppender appender;
    private final EventRecord[] events = new EventRecord[EVENTS_PER_REQUEST];
    private final BatchEncoder batch = new BatchEncoder();
    private final BatchEncoder single = new BatchEncoder();
    private byte[] encodedRecord;
    private final RecordView view = new RecordView();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Journal.disableChronicleAnalytics();
        dir = Files.createTempDirectory("spool-journal-bench");
        journal = Journal.open(dir);
        appender = journal.events().newAppender();
        for (int i = 0; i < events.length; i++) {
            events[i] = realisticEvent(i);
        }
        BatchEncoder one = new BatchEncoder().add(events[0]);
        byte[] framed = one.toByteArray();
        encodedRecord = java.util.Arrays.copyOfRange(framed, 4, framed.length);
    }

    /** A page-view-sized event: ~400 bytes encoded, like the load tests send. */
    static EventRecord realisticEvent(int i) {
        EventRecord r = new EventRecord()
                .type(EventType.TRACK)
                .receivedAt(1_764_072_000_000L + i)
                .timestamp(1_764_072_000_000L + i)
                .messageId("0d5c3f3e-7a0b-4c6e-9b1a-" + String.format("%012d", i))
                .userId("user-" + (i % 1000))
                .event("Product Viewed")
                .writeKey("wk_live_1234")
                .ip("203.0.113.7")
                .libraryName("spool-java")
                .libraryVersion("0.1.0");
        r.properties()
                .set("{\"product_id\":\"sku-" + i + "\",\"name\":\"Walnut desk\",\"price\":349.0,"
                        + "\"currency\":\"EUR\",\"category\":\"furniture\"}");
        r.context().set("{\"library\":{\"name\":\"spool-java\",\"version\":\"0.1.0\"},\"locale\":\"en-GB\"}");
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        appender.close();
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One excerpt holding the whole request (what the collector does). Score ×100 = events/s. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_REQUEST)
    public long onePerRequest() {
        batch.reset();
        for (EventRecord e : events) {
            batch.add(e);
        }
        return appender.append(batch);
    }

    /** One excerpt per event: the alternative, paying Chronicle's per-excerpt cost 100 times. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_REQUEST)
    public long onePerEvent() {
        long last = 0;
        for (EventRecord e : events) {
            single.reset().add(e);
            last = appender.append(single);
        }
        return last;
    }

    /** The writer's side: find every field of a record, without decoding text. */
    @Benchmark
    public void viewRecord(Blackhole bh) {
        view.wrap(encodedRecord, 0, encodedRecord.length);
        bh.consume(view.length(RecordField.PROPERTIES));
        bh.consume(view.timestamp());
    }

    /** Reading back: tailer throughput over what the benchmarks appended. */
    @State(Scope.Thread)
    public static class ReadState {
        Path dir;
        Journal journal;
        JournalTailer tailer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Journal.disableChronicleAnalytics();
            dir = Files.createTempDirectory("spool-journal-read");
            journal = Journal.open(dir);
            JournalAppender a = journal.events().newAppender();
            BatchEncoder b = new BatchEncoder();
            for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
                b.add(realisticEvent(i));
            }
            for (int i = 0; i < 10_000; i++) {
                a.append(b);
            }
            tailer = journal.events().newTailer();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            journal.close();
        }
    }

    /** Tailer + view per record, wrapping around at the end. Score ×100 = records/s. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_REQUEST)
    public void readRequest(ReadState s, Blackhole bh) {
        if (!s.tailer.readBatch((index, b) -> {
            while (b.next()) {
                bh.consume(b.view().receivedAt());
            }
        })) {
            s.tailer.toStart();
        }
    }
}
