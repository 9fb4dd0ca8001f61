package io.spool.samples;

import io.spool.collector.Collector;
import io.spool.journal.EventRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalTailer;
import io.spool.testsupport.DuckDb;
import io.spool.writer.StorageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A real collector and a real storage writer on one journal in a temporary folder, for end-to-end tests. */
final class Pipeline implements AutoCloseable {
    static final String WRITE_KEY = "e2e-key";

    final Path lake;
    final Journal journal;
    final Collector collector;
    final StorageWriter writer;

    Pipeline(Path dir) {
        Journal.disableChronicleAnalytics();
        this.lake = dir.resolve("lake");
        this.journal = Journal.open(dir.resolve("journal"));
        this.collector = Collector.builder()
                .port(0)
                .journal(journal)
                .writeKey(WRITE_KEY)
                .build()
                .start();
        this.writer = StorageWriter.builder()
                .journal(journal)
                .output(lake)
                .rollInterval(Duration.ofHours(1))
                .build();
    }

    String endpoint() {
        return "http://127.0.0.1:" + collector.port();
    }

    /** Commits everything the journal holds now. */
    void drain() {
        writer.drain();
    }

    /** Hands every event the journal holds now to {@code check}, in journal order (one reused record). */
    void forEachJournalEvent(Consumer<EventRecord> check) {
        JournalTailer tailer = journal.events().newTailer();
        EventRecord record = new EventRecord();
        while (tailer.readBatch((index, batch) -> {
            while (batch.next()) {
                batch.view().copyTo(record);
                check.accept(record);
            }
        })) {
            // read on
        }
    }

    String events() {
        return DuckDb.parquetTree(lake.resolve("spool/events/data"));
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                collector.close();
            } finally {
                journal.close();
            }
        }
    }
}
