package io.spool.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.DeadLetterRecord;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import io.spool.testsupport.DuckDb;
import java.nio.file.Path;

/** Appends events through the journal API; where the lake's tables are, for {@link DuckDb} to read them back as a user would. */
public final class TestJournal {
    private TestJournal() {}

    public static EventRecord track(String messageId, long receivedAt) {
        return new EventRecord()
                .type(EventType.TRACK)
                .messageId(messageId)
                .receivedAt(receivedAt)
                .timestamp(receivedAt - 1000)
                .userId("user-" + messageId)
                .event("Order Completed")
                .writeKey("key1")
                .ip("127.0.0.1");
    }

    /** Appends the records as one excerpt (one request). */
    public static long append(Journal journal, EventRecord... records) {
        BatchEncoder encoder = new BatchEncoder();
        for (EventRecord r : records) {
            encoder.add(r);
        }
        JournalAppender appender = journal.events().newAppender();
        try {
            return appender.append(encoder);
        } finally {
            appender.close();
        }
    }

    public static long appendDeadLetters(Journal journal, DeadLetterRecord... records) {
        BatchEncoder encoder = new BatchEncoder();
        for (DeadLetterRecord r : records) {
            encoder.add(r);
        }
        JournalAppender appender = journal.deadLetters().newAppender();
        try {
            return appender.append(encoder);
        } finally {
            appender.close();
        }
    }

    /** Appends one excerpt holding {@code record} encoded as a newer format version: unreadable to this writer. */
    public static long appendUnreadable(Journal journal, EventRecord record) {
        byte[] newer = BadRecordsTest.encoded(record);
        newer[0] = 2;
        byte[] excerpt = BadRecordsTest.framed(newer);
        JournalAppender appender = journal.events().newAppender();
        try {
            return appender.append(excerpt);
        } finally {
            appender.close();
        }
    }

    public static String events(Path lake) {
        return DuckDb.parquetTree(lake.resolve("spool/events/data"));
    }

    public static String rejected(Path lake) {
        return DuckDb.parquetTree(lake.resolve("spool/rejected/data"));
    }
}
