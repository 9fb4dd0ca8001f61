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
 * The two inputs of the writer's goal against DuckDB (issue 10), each written twice: through the journal
 * API in 100-event requests, as the collector appends them, and as one NDJSON line per event with the
 * table's columns, for DuckDB to convert.
 *
 * <ul>
 *   <li>{@code small}: server-side {@code track} events as {@code LoadBodies} sends the collector (~400 B
 *       of JSON: ids, a timestamp, five properties, a library/ip/locale/page context);
 *   <li>{@code browser}: what analytics.js sends (~1.5 KB): page and track events with the page in
 *       properties and context, a campaign, a full user agent, locale, screen, timezone.
 * </ul>
 *
 * <p>{@code java -cp benchmarks.jar io.spool.benchmarks.writer.DrainInputs <small|browser> <journal-dir> <events.ndjson> [count]}
 */
public final class DrainInputs {
    private static final String[] SERVER_EVENTS = {
        "Product Viewed", "Product Added", "Checkout Started", "Order Completed"
    };
    private static final String[] SERVER_CATEGORIES = {"Shoes", "Accessories", "Outdoor", "Kids"};
    private static final String[] BROWSER_EVENTS = {
        "Product Viewed",
        "Product Clicked",
        "Product Added",
        "Cart Viewed",
        "Checkout Started",
        "Signed In",
        "Search Performed",
        "Video Played",
    };
    private static final String[] PATHS = {
        "/",
        "/pricing",
        "/docs",
        "/docs/getting-started",
        "/docs/api",
        "/blog",
        "/blog/spring-release",
        "/cart",
        "/checkout",
        "/search",
        "/products/running-shoes",
        "/products/trail-shoes",
        "/products/socks",
        "/about",
        "/careers",
        "/contact",
    };
    private static final String[] REFERRERS = {
        "",
        "https://www.google.com/",
        "https://www.bing.com/",
        "https://news.ycombinator.com/",
        "https://t.co/x1y2z3",
        "https://www.facebook.com/",
    };
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.80",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    };
    private static final String[] LOCALES = {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR", "nl-NL"};
    private static final String[] TIMEZONES = {
        "America/New_York", "Europe/Berlin", "Europe/London", "Asia/Tokyo", "America/Los_Angeles"
    };
    private static final String[][] CAMPAIGNS = {
        {"spring_sale", "newsletter", "email", "shoes", "banner_top"},
        {"brand_search", "google", "cpc", "running shoes", "ad_v2"},
        {"retargeting_q2", "facebook", "social", "", "carousel"},
    };

    private final Random random = new Random(20261202L);
    private final StringBuilder json = new StringBuilder(2048);
    private final StringBuilder line = new StringBuilder(4096);
    private final EventRecord record = new EventRecord();
    private final String[] users = new String[10_000];
    private final String[] anonymous = new String[users.length];

    private DrainInputs() {
        for (int i = 0; i < users.length; i++) {
            users[i] = "user_" + Integer.toHexString(random.nextInt());
            anonymous[i] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
    }

    public static void main(String[] args) throws IOException {
        Journal.disableChronicleAnalytics();
        if (args.length < 3 || !(args[0].equals("small") || args[0].equals("browser"))) {
            System.err.println("usage: DrainInputs <small|browser> <journal-dir> <events.ndjson> [count]");
            System.exit(2);
        }
        long count = args.length > 3 ? Long.parseLong(args[3]) : 500_000;
        long t0 = System.nanoTime();
        long bytes = generate(args[0].equals("browser"), Path.of(args[1]), Path.of(args[2]), count);
        System.err.printf(
                "wrote %,d %s events (%,d NDJSON bytes, %,d per event) in %.1f s%n",
                count, args[0], bytes, bytes / count, (System.nanoTime() - t0) / 1e9);
    }

    static long generate(boolean browser, Path journalDir, Path ndjson, long count) throws IOException {
        DrainInputs events = new DrainInputs();
        long written = 0;
        long receivedAt = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
        try (Journal journal = Journal.open(journalDir);
                JournalAppender appender = journal.events().newAppender();
                Writer out = new BufferedWriter(Files.newBufferedWriter(ndjson, StandardCharsets.UTF_8), 1 << 20)) {
            BatchEncoder encoder = new BatchEncoder(512 * 1024);
            long n = 0;
            while (n < count) {
                int requestSize = (int) Math.min(count - n, 100);
                encoder.reset();
                receivedAt += 3;
                for (int i = 0; i < requestSize; i++, n++) {
                    EventRecord r = browser ? events.browser(receivedAt) : events.small(i, receivedAt);
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

    /** LoadBodies' event, as the collector records it (library promoted, ip and write key of the request). */
    private EventRecord small(int i, long receivedAt) {
        int product = random.nextInt(1000);
        long sentAt = receivedAt - 20;
        long timestamp = sentAt - 500 - random.nextInt(1000);
        String ip = "203.0.113." + random.nextInt(255);
        json.setLength(0);
        json.append("{\"product_id\":\"prod_")
                .append(product)
                .append("\",\"sku\":\"SKU-")
                .append(product)
                .append("\",\"price\":")
                .append(10 + random.nextInt(90))
                .append(".95,\"currency\":\"USD\",\"category\":\"")
                .append(SERVER_CATEGORIES[product % SERVER_CATEGORIES.length])
                .append("\"}");
        record.clear()
                .type(EventType.TRACK)
                .messageId(new UUID(random.nextLong(), random.nextLong()).toString())
                .receivedAt(receivedAt)
                .sentAt(sentAt)
                .originalTimestamp(timestamp)
                .timestamp(timestamp)
                .userId("user_" + Integer.toHexString(random.nextInt()))
                .event(SERVER_EVENTS[i % SERVER_EVENTS.length])
                .writeKey("wk_prod_api")
                .ip(ip)
                .libraryName("analytics-java")
                .libraryVersion("3.5.4");
        record.properties().set(json.toString());
        json.setLength(0);
        json.append("{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},\"ip\":\"")
                .append(ip)
                .append("\",\"locale\":\"en-US\",\"page\":{\"path\":\"/p/")
                .append(product)
                .append("\"}}");
        record.context().set(json.toString());
        return record;
    }

    /** An analytics.js page or track event with the context a browser sends. */
    private EventRecord browser(long receivedAt) {
        int u = random.nextInt(users.length);
        boolean page = random.nextInt(100) < 55;
        String path = PATHS[random.nextInt(PATHS.length)];
        String referrer = REFERRERS[random.nextInt(REFERRERS.length)];
        String agent = AGENTS[u % AGENTS.length];
        String title = titleOf(path);
        String url = "https://shop.example" + path;
        String search = random.nextInt(4) == 0 ? "?q=shoes&size=" + (36 + random.nextInt(12)) : "";
        long sentAt = receivedAt - 30 - random.nextInt(200);
        long timestamp = sentAt - random.nextInt(3000);
        String ip = "198.51." + (u % 250) + "." + (u * 7 % 250);
        record.clear()
                .type(page ? EventType.PAGE : EventType.TRACK)
                .messageId("ajs-next-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()))
                .receivedAt(receivedAt)
                .sentAt(sentAt)
                .originalTimestamp(timestamp)
                .timestamp(timestamp)
                .anonymousId(anonymous[u])
                .writeKey("wk_prod_web")
                .ip(ip)
                .libraryName("analytics.js")
                .libraryVersion("npm:next-1.74.0")
                .userAgent(agent);
        if (u % 3 != 0) {
            record.userId(users[u]);
        }
        json.setLength(0);
        if (page) {
            record.name(title);
            json.append("{\"path\":\"")
                    .append(path)
                    .append("\",\"referrer\":\"")
                    .append(referrer)
                    .append("\",\"search\":\"")
                    .append(search)
                    .append("\",\"title\":\"")
                    .append(title)
                    .append(" | Shop\",\"url\":\"")
                    .append(url)
                    .append(search)
                    .append("\"}");
        } else {
            String event = BROWSER_EVENTS[random.nextInt(BROWSER_EVENTS.length)];
            record.event(event);
            int product = random.nextInt(2000);
            json.append("{\"product_id\":\"prod_")
                    .append(product)
                    .append("\",\"sku\":\"SKU-")
                    .append(product)
                    .append("\",\"name\":\"Product ")
                    .append(product)
                    .append("\",\"price\":")
                    .append(10 + random.nextInt(190))
                    .append(".99,\"currency\":\"USD\",\"quantity\":")
                    .append(1 + random.nextInt(3))
                    .append(",\"position\":")
                    .append(1 + random.nextInt(24))
                    .append('}');
        }
        record.properties().set(json.toString());
        json.setLength(0);
        json.append("{\"ip\":\"")
                .append(ip)
                .append("\",\"library\":{\"name\":\"analytics.js\",\"version\":\"npm:next-1.74.0\"}")
                .append(",\"locale\":\"")
                .append(LOCALES[u % LOCALES.length])
                .append("\",\"page\":{\"path\":\"")
                .append(path)
                .append("\",\"referrer\":\"")
                .append(referrer)
                .append("\",\"search\":\"")
                .append(search)
                .append("\",\"title\":\"")
                .append(title)
                .append(" | Shop\",\"url\":\"")
                .append(url)
                .append(search)
                .append("\"},\"userAgent\":\"")
                .append(agent)
                .append("\",\"userAgentData\":{\"brands\":[{\"brand\":\"Chromium\",")
                .append("\"version\":\"131\"},{\"brand\":\"Not_A Brand\",\"version\":\"24\"}],\"mobile\":")
                .append(agent.contains("Mobile") ? "true" : "false")
                .append(",\"platform\":\"")
                .append(agent.contains("Windows") ? "Windows" : agent.contains("Mac") ? "macOS" : "Linux")
                .append("\"},\"screen\":{\"width\":")
                .append(1280 + 64 * (u % 6))
                .append(",\"height\":")
                .append(720 + 36 * (u % 6))
                .append(",\"density\":")
                .append(1 + u % 3)
                .append("},\"timezone\":\"")
                .append(TIMEZONES[u % TIMEZONES.length])
                .append('"');
        if (u % 4 == 0) {
            String[] c = CAMPAIGNS[u % CAMPAIGNS.length];
            json.append(",\"campaign\":{\"name\":\"")
                    .append(c[0])
                    .append("\",\"source\":\"")
                    .append(c[1])
                    .append("\",\"medium\":\"")
                    .append(c[2])
                    .append("\",\"term\":\"")
                    .append(c[3])
                    .append("\",\"content\":\"")
                    .append(c[4])
                    .append("\"}");
        }
        json.append(",\"instanceId\":\"")
                .append(anonymous[(u * 31) % anonymous.length])
                .append("\"}");
        record.context().set(json.toString());
        if (u % 10 == 0) {
            record.integrations().set("{\"All\":true,\"Mixpanel\":false}");
        }
        return record;
    }

    /**
     * The record as one NDJSON line with the table's columns, absent fields left out (as a client leaves
     * them out: DuckDB reads a missing key as NULL, and has less text to parse than with explicit nulls).
     */
    private CharSequence ndjson(EventRecord r) {
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
        raw(b, "properties", r.properties());
        raw(b, "traits", r.traits());
        raw(b, "context", r.context());
        raw(b, "integrations", r.integrations());
        str(b, "context_library_name", r.libraryName());
        str(b, "context_library_version", r.libraryVersion());
        str(b, "context_user_agent", r.userAgent());
        b.setLength(b.length() - 1);
        return b.append('}');
    }

    private static void str(StringBuilder b, String name, String value) {
        if (value != null) { // generated values hold no quotes or backslashes
            b.append('"').append(name).append("\":\"").append(value).append("\",");
        }
    }

    private static void raw(StringBuilder b, String name, io.spool.journal.RawJson json) {
        if (json.isPresent()) {
            b.append('"').append(name).append("\":").append(json).append(',');
        }
    }

    private static void time(StringBuilder b, String name, long millis) {
        if (millis != EventRecord.NO_TIME) {
            b.append('"')
                    .append(name)
                    .append("\":\"")
                    .append(Instant.ofEpochMilli(millis))
                    .append("\",");
        }
    }

    private static String titleOf(String path) {
        if (path.equals("/")) {
            return "Home";
        }
        String last = path.substring(path.lastIndexOf('/') + 1).replace('-', ' ');
        return Character.toUpperCase(last.charAt(0)) + last.substring(1);
    }
}
