package io.spool.benchmarks.writer;

import io.spool.journal.BatchEncoder;
import io.spool.journal.EventRecord;
import io.spool.journal.EventType;
import io.spool.journal.Journal;
import io.spool.journal.JournalAppender;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * Generates realistic Segment-style events (a product's mix of track, page, identify, group, screen
 * and alias; a few hundred users; e-commerce properties; browser and server contexts) and writes each
 * one twice: through the journal API, in requests of 1 to 100 events as the collector would, and as
 * one NDJSON line with the same columns the Parquet files have, for DuckDB to convert.
 *
 * <p>{@code java -cp benchmarks.jar io.spool.benchmarks.writer.RealisticEvents <journal-dir> <events.ndjson> [count]}
 */
public final class RealisticEvents {
    private static final String[] TRACK_EVENTS = {
        "Product Viewed", "Product Added", "Cart Viewed", "Checkout Started", "Order Completed", "Product Removed",
        "Coupon Applied", "Signed In", "Signed Up", "Search Performed", "Video Played", "Subscription Renewed",
        "Invite Sent", "Report Exported", "Feature Used",
    };
    private static final String[] PAGES = {"Home", "Pricing", "Docs", "Blog", "Checkout", "Cart", "Product", "Search"};
    private static final String[] CATEGORIES = {"shoes", "shirts", "books", "games", "garden", "kitchen"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    };
    private static final String[][] LIBRARIES = {
        {"analytics.js", "next-1.74.0"},
        {"analytics-java", "3.5.4"},
        {"spool-java", "0.1.0"},
        {"analytics-python", "2.3.3"},
    };
    private static final String[] LOCALES = {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP"};

    private final Random random;
    private final String[] users;
    private final String[] anonymous;
    private final EventRecord record = new EventRecord();
    private final StringBuilder json = new StringBuilder(1024);
    private final StringBuilder line = new StringBuilder(2048);

    RealisticEvents(long seed) {
        random = new Random(seed);
        users = new String[500];
        anonymous = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            users[i] = "user_" + (100000 + i);
            anonymous[i] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
    }

    public static void main(String[] args) throws IOException {
        Journal.disableChronicleAnalytics();
        if (args.length < 2) {
            System.err.println("usage: RealisticEvents <journal-dir> <events.ndjson> [count]");
            System.exit(2);
        }
        long count = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000;
        long t0 = System.nanoTime();
        long bytes = generate(Path.of(args[0]), Path.of(args[1]), count, Instant.parse("2026-05-01T08:00:00Z"));
        System.err.printf(
                "wrote %,d events (%,d NDJSON bytes) in %.1f s%n", count, bytes, (System.nanoTime() - t0) / 1e9);
    }

    /** Writes {@code count} events starting at {@code start}, about 150 per second of receivedAt; returns the NDJSON size. */
    public static long generate(Path journalDir, Path ndjson, long count, Instant start) throws IOException {
        RealisticEvents events = new RealisticEvents(20260501L);
        long written = 0;
        try (Journal journal = Journal.open(journalDir);
                JournalAppender appender = journal.events().newAppender();
                Writer out = new BufferedWriter(Files.newBufferedWriter(ndjson, StandardCharsets.UTF_8), 1 << 20)) {
            BatchEncoder encoder = new BatchEncoder(256 * 1024);
            long receivedAt = start.toEpochMilli();
            long n = 0;
            while (n < count) {
                int requestSize = (int) Math.min(count - n, 1 + events.random.nextInt(100));
                encoder.reset();
                for (int i = 0; i < requestSize; i++, n++) {
                    receivedAt += events.random.nextInt(13);
                    EventRecord r = events.next(n, receivedAt);
                    encoder.add(r);
                    CharSequence l = events.ndjson(r);
                    out.append(l).append('\n');
                    written += l.length() + 1;
                }
                appender.append(encoder);
            }
        }
        return written;
    }

    EventRecord next(long n, long receivedAt) {
        int u = random.nextInt(users.length);
        boolean known = random.nextInt(10) < 7;
        String[] lib = LIBRARIES[random.nextInt(LIBRARIES.length)];
        boolean browser = lib[0].equals("analytics.js");
        int kind = random.nextInt(100);
        EventType type = kind < 70
                ? EventType.TRACK
                : kind < 85
                        ? EventType.PAGE
                        : kind < 94
                                ? EventType.IDENTIFY
                                : kind < 97 ? EventType.SCREEN : kind < 99 ? EventType.GROUP : EventType.ALIAS;
        long skew = random.nextInt(2000);
        record.clear()
                .type(type)
                .messageId(new UUID(random.nextLong(), random.nextLong()).toString())
                .receivedAt(receivedAt)
                .timestamp(receivedAt - skew)
                .writeKey(random.nextInt(10) < 9 ? "wk_prod_web" : "wk_prod_api")
                .ip("203.0." + (u % 250) + "." + (u * 7 % 250))
                .libraryName(lib[0])
                .libraryVersion(lib[1]);
        if (browser) {
            record.originalTimestamp(receivedAt - skew - 40).sentAt(receivedAt - 40);
        }
        if (known || type == EventType.ALIAS || type == EventType.GROUP) {
            record.userId(users[u]);
        }
        record.anonymousId(anonymous[u]);
        String agent = null;
        switch (type) {
            case TRACK: {
                String event = TRACK_EVENTS[random.nextInt(TRACK_EVENTS.length)];
                record.event(event);
                json.setLength(0);
                json.append("{\"product_id\":\"p")
                        .append(random.nextInt(5000))
                        .append("\",\"category\":\"")
                        .append(CATEGORIES[random.nextInt(CATEGORIES.length)])
                        .append("\",\"price\":")
                        .append(random.nextInt(20000) / 100.0)
                        .append(",\"quantity\":")
                        .append(1 + random.nextInt(4))
                        .append(",\"currency\":\"")
                        .append(random.nextInt(4) == 0 ? "EUR" : "USD")
                        .append('"');
                if (event.equals("Order Completed")) {
                    json.append(",\"order_id\":\"o")
                            .append(n)
                            .append("\",\"revenue\":")
                            .append(random.nextInt(50000) / 100.0)
                            .append(",\"coupon\":null");
                }
                json.append('}');
                record.properties().set(json.toString());
                break;
            }
            case PAGE:
            case SCREEN: {
                String page = PAGES[random.nextInt(PAGES.length)];
                record.name(page);
                json.setLength(0);
                json.append("{\"path\":\"/")
                        .append(page.toLowerCase())
                        .append("\",\"title\":\"")
                        .append(page)
                        .append(" | Shop\",\"url\":\"https://shop.example/")
                        .append(page.toLowerCase())
                        .append("\",\"referrer\":\"")
                        .append(random.nextBoolean() ? "https://www.google.com/" : "")
                        .append("\"}");
                record.properties().set(json.toString());
                break;
            }
            case IDENTIFY:
                record.traits()
                        .set("{\"email\":\"" + users[u] + "@mail.example\",\"plan\":\""
                                + (u % 3 == 0 ? "pro" : "free") + "\",\"name\":\"User " + u
                                + "\",\"created_at\":\"2025-0"
                                + (1 + u % 9) + "-1" + (u % 9) + "T10:00:00Z\"}");
                break;
            case GROUP:
                record.groupId("org_" + (u % 40));
                record.traits().set("{\"name\":\"Org " + (u % 40) + "\",\"employees\":" + (10 + u % 400) + "}");
                break;
            case ALIAS:
                record.previousId(anonymous[u]);
                break;
            default:
                break;
        }
        json.setLength(0);
        json.append("{\"library\":{\"name\":\"")
                .append(lib[0])
                .append("\",\"version\":\"")
                .append(lib[1])
                .append("\"},\"locale\":\"")
                .append(LOCALES[u % LOCALES.length])
                .append('"');
        if (browser) {
            agent = AGENTS[u % AGENTS.length];
            json.append(",\"userAgent\":\"")
                    .append(agent)
                    .append("\",\"page\":{\"path\":\"/\",\"url\":\"https://shop.example/\"}")
                    .append(",\"screen\":{\"width\":")
                    .append(1280 + 64 * (u % 6))
                    .append(",\"height\":")
                    .append(720 + 36 * (u % 6))
                    .append("},\"timezone\":\"Europe/Berlin\"");
            if (u % 5 == 0) {
                json.append(",\"campaign\":{\"source\":\"newsletter\",\"medium\":\"email\",\"name\":\"spring_sale\"}");
            }
        }
        json.append('}');
        record.context().set(json.toString());
        record.userAgent(agent);
        if (u % 10 == 0) {
            record.integrations().set("{\"All\":true,\"Mixpanel\":false}");
        }
        return record;
    }

    /** The record as one NDJSON line with the Parquet files' columns (times as ISO-8601). */
    CharSequence ndjson(EventRecord r) {
        StringBuilder b = line;
        b.setLength(0);
        b.append('{');
        str(b, "message_id", r.messageId());
        str(b, "type", r.type().wireName());
        str(b, "event", r.event());
        str(b, "name", r.name());
        str(b, "user_id", r.userId());
        str(b, "anonymous_id", r.anonymousId());
        str(b, "group_id", r.groupId());
        str(b, "previous_id", r.previousId());
        time(b, "timestamp", r.timestamp());
        time(b, "original_timestamp", r.originalTimestamp());
        time(b, "sent_at", r.sentAt());
        time(b, "received_at", r.receivedAt());
        str(b, "write_key", r.writeKey());
        str(b, "ip", r.ip());
        raw(b, "properties", r.properties().toString());
        raw(b, "traits", r.traits().toString());
        raw(b, "context", r.context().toString());
        raw(b, "integrations", r.integrations().toString());
        str(b, "context_library_name", r.libraryName());
        str(b, "context_library_version", r.libraryVersion());
        str(b, "context_user_agent", r.userAgent());
        b.setLength(b.length() - 1);
        b.append('}');
        return b;
    }

    private static void str(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            b.append("null,");
        } else {
            // generated values hold no quotes or backslashes
            b.append('"').append(value).append("\",");
        }
    }

    private static void raw(StringBuilder b, String name, String json) {
        b.append('"')
                .append(name)
                .append("\":")
                .append(json == null ? "null" : json)
                .append(',');
    }

    private static void time(StringBuilder b, String name, long millis) {
        b.append('"').append(name).append("\":");
        if (millis == EventRecord.NO_TIME) {
            b.append("null,");
        } else {
            b.append('"').append(Instant.ofEpochMilli(millis)).append("\",");
        }
    }
}
