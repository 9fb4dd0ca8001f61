package io.spool.collector;

import io.spool.config.Durations;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.Journal;
import io.spool.journal.JournalBatch;
import io.spool.journal.JournalFormatException;
import io.spool.journal.JournalQueue;
import io.spool.journal.JournalTailer;
import io.spool.journal.RecordJson;
import io.spool.journal.RecordView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar spool-collector.jar tail}: the journal's records as JSON lines on stdout, for
 * scripts (as Kafka's console consumer). Reads only: it may run beside the collector writing the same
 * journal, and it never moves the storage writer's position.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        versionProvider = CollectorMain.Version.class,
        description = "Prints the journal's records as JSON lines (one object a line, Segment's field names),"
                + " from now or from a time; follows new appends until interrupted unless --no-follow.")
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--journal-dir",
            defaultValue = "${env:SPOOL_JOURNAL_DIR:-data/journal}",
            description = "Journal folder (must exist). Env SPOOL_JOURNAL_DIR. Default: ${DEFAULT-VALUE}.")
    Path journalDir;

    @Option(
            names = "--from",
            paramLabel = "WHEN",
            defaultValue = "now",
            description = "Where to start: now (records appended from now on), start (the oldest kept),"
                    + " a time (2026-12-02T10:00:00Z) or how long ago (10m, 2h, 7d, PT30S). Default: ${DEFAULT-VALUE}.")
    String from;

    @Option(
            names = "--dead-letters",
            description = "Print the dead letters (events refused inside a valid request, with their reason"
                    + " and payload as received) instead of the accepted events.")
    boolean deadLetters;

    @Option(
            names = "--follow",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Keep printing records as they are appended (default); --no-follow exits once"
                    + " everything appended so far is printed.")
    boolean follow;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Exit after N records (0: no limit). Default: ${DEFAULT-VALUE}.")
    long limit;

    /** Where the time of {@code --from} is measured from; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Long fromMillis = parseFrom(from, clock);
        if (fromMillis == null) {
            err.println("spool-collector tail: --from '" + from + "' is not now, start, a time like"
                    + " 2026-12-02T10:00:00Z or a duration like 10m");
            return 2;
        }
        if (limit < 0) {
            err.println("spool-collector tail: --limit " + limit + " is negative");
            return 2;
        }
        Path queueDir = journalDir.resolve(deadLetters ? "dead-letters" : "events");
        if (!Files.isDirectory(queueDir)) {
            // Opening it would create an empty journal there and wait on it forever: a mistyped folder
            // must be said, not tailed.
            err.println("spool-collector tail: no journal at " + journalDir.toAbsolutePath() + " (no "
                    + queueDir.getFileName() + "/ folder in it); pass --journal-dir");
            return 2;
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = Thread.currentThread();
        SignalTrap.onTermination(() -> {
            stop.set(true);
            LockSupport.unpark(reader);
        });
        PrintWriter out = spec.commandLine().getOut();
        try (Journal journal = Journal.open(journalDir)) {
            JournalQueue queue = deadLetters ? journal.deadLetters() : journal.events();
            try (JournalTailer tailer = queue.newTailer()) {
                if (fromMillis == Long.MAX_VALUE) {
                    tailer.toEnd();
                } else if (fromMillis == Long.MIN_VALUE) {
                    tailer.toStart();
                } else {
                    tailer.toTime(fromMillis);
                }
                Printer printer =
                        new Printer(out, fromMillis == Long.MAX_VALUE ? Long.MIN_VALUE : fromMillis, limit, err);
                while (!stop.get() && !printer.done()) {
                    if (!tailer.readBatch(printer)) {
                        out.flush();
                        if (out.checkError()) {
                            return 0; // the reader of our output went away (head, a closed pipe)
                        }
                        if (!follow) {
                            break;
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    /**
     * {@code --from} as epoch millis: {@link Long#MAX_VALUE} for now, {@link Long#MIN_VALUE} for start,
     * null when it is none of the forms.
     */
    static Long parseFrom(String value, Clock clock) {
        String v = value.strip();
        if (v.equalsIgnoreCase("now")) {
            return Long.MAX_VALUE;
        }
        if (v.equalsIgnoreCase("start") || v.equalsIgnoreCase("beginning")) {
            return Long.MIN_VALUE;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException notATime) {
            // a duration, then
        }
        try {
            return clock.millis() - Durations.parse(v).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    /** Prints each record of an excerpt at or after the start time as one line. */
    private final class Printer implements JournalTailer.BatchHandler {
        private final PrintWriter out;
        private final long fromMillis;
        private final long limit;
        private final PrintWriter err;
        private final StringBuilder line = new StringBuilder(1024);
        private final DeadLetterRecord letter = new DeadLetterRecord();
        private long printed;

        Printer(PrintWriter out, long fromMillis, long limit, PrintWriter err) {
            this.out = out;
            this.fromMillis = fromMillis;
            this.limit = limit;
            this.err = err;
        }

        boolean done() {
            return limit > 0 && printed >= limit;
        }

        @Override
        public void onBatch(long index, JournalBatch batch) {
            while (!done() && batch.next()) {
                line.setLength(0);
                try {
                    if (deadLetters) {
                        DeadLetterRecord d = batch.deadLetter(letter);
                        if (d.receivedAt() < fromMillis) {
                            continue;
                        }
                        RecordJson.appendDeadLetter(d, index, line);
                    } else {
                        RecordView view = batch.view();
                        if (view.receivedAt() < fromMillis) {
                            continue;
                        }
                        RecordJson.appendEvent(view, index, line);
                    }
                } catch (JournalFormatException e) {
                    err.println("spool-collector tail: record " + batch.recordNumber() + " of excerpt " + index
                            + " cannot be read (" + e.getMessage() + "); skipped");
                    continue;
                }
                out.append(line).append('\n');
                printed++;
            }
        }
    }
}
